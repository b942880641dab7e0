// Compiles build/contracts/QTrustAnchor.sol offline with solc-js (evmVersion paris) into
// build/contracts/QTrustAnchor.json, the artifact the app deploys and reads events with.
// `--check` compiles and compares instead of writing: exit 1 when the committed artifact does not
// match its source (the unit test test/unit/anchor/contract-artifact.test.ts runs the same comparison).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourcePath = join(root, 'build/contracts/QTrustAnchor.sol');
const artifactPath = join(root, 'build/contracts/QTrustAnchor.json');

export function compileAnchorContract() {
  const solc = createRequire(import.meta.url)('solc');
  const source = readFileSync(sourcePath, 'utf8');
  const input = {
    language: 'Solidity',
    sources: { 'QTrustAnchor.sol': { content: source } },
    settings: {
      evmVersion: 'paris',
      optimizer: { enabled: true, runs: 200 },
      metadata: { bytecodeHash: 'none' },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const c = output.contracts['QTrustAnchor.sol'].QTrustAnchor;
  const artifact = {
    contractName: 'QTrustAnchor',
    compiler: { name: 'solc-js', version: solc.version(), evmVersion: 'paris', optimizerRuns: 200 },
    sourceSha256: createHash('sha256').update(source).digest('hex'),
    abi: c.abi,
    bytecode: `0x${c.evm.bytecode.object}`,
    deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
  };
  return `${JSON.stringify(artifact, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = compileAnchorContract();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(artifactPath, 'utf8');
    if (committed !== text) {
      console.error(
        'build/contracts/QTrustAnchor.json does not match its source; run `node scripts/compile-contract.mjs`',
      );
      process.exit(1);
    }
    console.log('contract artifact matches its source');
  } else {
    writeFileSync(artifactPath, text);
    console.log(`wrote ${artifactPath}`);
  }
}
