import { readFileSync } from 'node:fs';
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEventLogs,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../helpers/anvil.js';

const artifact = JSON.parse(
  readFileSync(new URL('../../../build/contracts/QTrustAnchor.json', import.meta.url), 'utf8'),
) as {
  abi: Abi;
  bytecode: Hex;
};
// anvil's well-known development accounts (derived from its default mnemonic).
const OWNER = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80');
const PUBLISHER = privateKeyToAccount('0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d');
const STRANGER = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a');

let chain: Anvil;
let contract: Address;
const pub = () =>
  createPublicClient({ chain: { ...foundry, id: chain.chainId }, transport: http(chain.url) });
const wallet = (account: typeof OWNER) =>
  createWalletClient({ account, chain: { ...foundry, id: chain.chainId }, transport: http(chain.url) });

beforeAll(async () => {
  chain = await startAnvil();
  const hash = await wallet(OWNER).deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args: [OWNER.address],
  });
  const receipt = await pub().waitForTransactionReceipt({ hash });
  contract = receipt.contractAddress as Address;
  const tx = await wallet(OWNER).writeContract({
    address: contract,
    abi: artifact.abi,
    functionName: 'setPublisher',
    args: [PUBLISHER.address, true],
  });
  await pub().waitForTransactionReceipt({ hash: tx });
});

afterAll(async () => {
  await chain?.stop();
});

async function revertName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BaseError) {
      const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (r instanceof ContractFunctionRevertedError) return r.data?.errorName;
    }
    throw e;
  }
  return undefined;
}

describe('QTrustAnchor on a real chain (anvil)', () => {
  const commitment = keccak256(toHex('salted commitment'));
  const root = keccak256(toHex('root'));
  const cpHash = keccak256(toHex('checkpoint 1'));

  it('anchors once and emits the commitment and publisher as topics', async () => {
    const hash = await wallet(PUBLISHER).writeContract({
      address: contract,
      abi: artifact.abi,
      functionName: 'anchor',
      args: [commitment, root, 1000n, cpHash],
    });
    const receipt = await pub().waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({
      abi: artifact.abi,
      logs: receipt.logs,
      eventName: 'Anchored',
    }) as unknown as {
      args: { commitment: Hex; publisher: Address; root: Hex; treeSize: bigint; checkpointHash: Hex };
      topics: Hex[];
    }[];
    expect(log?.args).toEqual({
      commitment,
      publisher: PUBLISHER.address,
      root,
      treeSize: 1000n,
      checkpointHash: cpHash,
    });
    expect(log?.topics[1]).toBe(commitment);
    expect(
      await pub().readContract({
        address: contract,
        abi: artifact.abi,
        functionName: 'isAnchored',
        args: [cpHash],
      }),
    ).toBe(true);
  });

  it('refuses to anchor the same checkpoint hash twice', async () => {
    const name = await revertName(
      pub().simulateContract({
        account: PUBLISHER,
        address: contract,
        abi: artifact.abi,
        functionName: 'anchor',
        args: [commitment, root, 1000n, cpHash],
      }),
    );
    expect(name).toBe('AlreadyAnchored');
  });

  it('refuses a publisher that is not allowlisted, with a decodable custom error', async () => {
    const name = await revertName(
      pub().simulateContract({
        account: STRANGER,
        address: contract,
        abi: artifact.abi,
        functionName: 'anchor',
        args: [commitment, root, 5n, keccak256(toHex('other'))],
      }),
    );
    expect(name).toBe('NotPublisher');
  });

  it('lets only the owner change publishers', async () => {
    const name = await revertName(
      pub().simulateContract({
        account: STRANGER,
        address: contract,
        abi: artifact.abi,
        functionName: 'setPublisher',
        args: [STRANGER.address, true],
      }),
    );
    expect(name).toBe('NotOwner');
  });

  it('refuses an empty tree', async () => {
    const name = await revertName(
      pub().simulateContract({
        account: PUBLISHER,
        address: contract,
        abi: artifact.abi,
        functionName: 'anchor',
        args: [commitment, root, 0n, keccak256(toHex('empty'))],
      }),
    );
    expect(name).toBe('EmptyTree');
  });
});
