/**
 * The part of the QTrustAnchor ABI the publisher and verifier use (build/contracts/QTrustAnchor.sol).
 * Kept as a typed constant so viem infers argument and event types; test/unit/anchor/abi.test.ts
 * proves every entry equals the compiled artifact's.
 */
export const ANCHOR_ABI = [
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'checkpointHash',
        type: 'bytes32',
      },
    ],
    name: 'AlreadyAnchored',
    type: 'error',
  },
  {
    inputs: [],
    name: 'EmptyTree',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'address',
        name: 'caller',
        type: 'address',
      },
    ],
    name: 'NotOwner',
    type: 'error',
  },
  {
    inputs: [
      {
        internalType: 'address',
        name: 'caller',
        type: 'address',
      },
    ],
    name: 'NotPublisher',
    type: 'error',
  },
  {
    inputs: [],
    name: 'ZeroAddress',
    type: 'error',
  },
  {
    anonymous: false,
    inputs: [
      {
        indexed: true,
        internalType: 'bytes32',
        name: 'commitment',
        type: 'bytes32',
      },
      {
        indexed: true,
        internalType: 'address',
        name: 'publisher',
        type: 'address',
      },
      {
        indexed: false,
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        indexed: false,
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        indexed: false,
        internalType: 'bytes32',
        name: 'checkpointHash',
        type: 'bytes32',
      },
    ],
    name: 'Anchored',
    type: 'event',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: 'commitment',
        type: 'bytes32',
      },
      {
        internalType: 'bytes32',
        name: 'root',
        type: 'bytes32',
      },
      {
        internalType: 'uint64',
        name: 'treeSize',
        type: 'uint64',
      },
      {
        internalType: 'bytes32',
        name: 'checkpointHash',
        type: 'bytes32',
      },
    ],
    name: 'anchor',
    outputs: [],
    stateMutability: 'nonpayable',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'bytes32',
        name: '',
        type: 'bytes32',
      },
    ],
    name: 'isAnchored',
    outputs: [
      {
        internalType: 'bool',
        name: '',
        type: 'bool',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [
      {
        internalType: 'address',
        name: '',
        type: 'address',
      },
    ],
    name: 'isPublisher',
    outputs: [
      {
        internalType: 'bool',
        name: '',
        type: 'bool',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
  {
    inputs: [],
    name: 'owner',
    outputs: [
      {
        internalType: 'address',
        name: '',
        type: 'address',
      },
    ],
    stateMutability: 'view',
    type: 'function',
  },
] as const;

/** Anchored(bytes32 indexed commitment, address indexed publisher, bytes32 root, uint64 treeSize, bytes32 checkpointHash) */
export const ANCHORED_EVENT = ANCHOR_ABI.find((x) => x.type === 'event' && x.name === 'Anchored') as Extract<
  (typeof ANCHOR_ABI)[number],
  { type: 'event'; name: 'Anchored' }
>;
