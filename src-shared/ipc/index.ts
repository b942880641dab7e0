export {
  CONTRACT,
  CHANNEL_NAMES,
  isChannelName,
  type ChannelKind,
  type ChannelName,
  type ChannelSpec,
  type Contract,
  type RequestOf,
  type ResponseOf,
} from './contract.js';
export {
  ok,
  err,
  resultSchema,
  MAX_ERROR_MESSAGE_LENGTH,
  type IpcResult,
  type IpcErrorCode,
} from './result.js';
export { checkRequestShape, MAX_REQUEST_SIZE, MAX_REQUEST_DEPTH } from './limits.js';
export { createClient, type Invoke, type QtrustApi } from './client.js';
