// SPDX-License-Identifier: UNLICENSED
pragma solidity 0.8.37;

/// @title Q-Trust checkpoint anchors
/// @notice Publishes the Merkle roots of Q-Trust evidence-log checkpoints. The log's origin is never published:
/// each anchor carries a salted commitment H(salt, origin, tree size) as an indexed topic, which only holders of
/// the log's trust file can compute (docs/anchoring.md). A checkpoint hash can be anchored once, so a re-submitted
/// transaction cannot anchor twice.
contract QTrustAnchor {
    address public owner;
    mapping(address => bool) public isPublisher;
    mapping(bytes32 => bool) public isAnchored;

    event Anchored(
        bytes32 indexed commitment,
        address indexed publisher,
        bytes32 root,
        uint64 treeSize,
        bytes32 checkpointHash
    );
    event PublisherChanged(address indexed publisher, bool allowed);
    event OwnerChanged(address indexed previousOwner, address indexed newOwner);

    error NotOwner(address caller);
    error NotPublisher(address caller);
    error AlreadyAnchored(bytes32 checkpointHash);
    error ZeroAddress();
    error EmptyTree();

    constructor(address initialOwner) {
        if (initialOwner == address(0)) revert ZeroAddress();
        owner = initialOwner;
        emit OwnerChanged(address(0), initialOwner);
    }

    modifier onlyOwner() {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        _;
    }

    function setPublisher(address publisher, bool allowed) external onlyOwner {
        if (publisher == address(0)) revert ZeroAddress();
        isPublisher[publisher] = allowed;
        emit PublisherChanged(publisher, allowed);
    }

    function transferOwnership(address newOwner) external onlyOwner {
        if (newOwner == address(0)) revert ZeroAddress();
        emit OwnerChanged(owner, newOwner);
        owner = newOwner;
    }

    function anchor(bytes32 commitment, bytes32 root, uint64 treeSize, bytes32 checkpointHash) external {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        if (treeSize == 0) revert EmptyTree();
        if (isAnchored[checkpointHash]) revert AlreadyAnchored(checkpointHash);
        isAnchored[checkpointHash] = true;
        emit Anchored(commitment, msg.sender, root, treeSize, checkpointHash);
    }
}
