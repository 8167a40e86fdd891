// The QMP and guest-agent clients: framing (framing.ts), QMP protocol (client.ts), qemu-ga (agent.ts).
export { LineFramer, parseQmpLine, encodeCommand, SENTINEL } from './framing';
export { QmpClient, type QmpEvent, type QmpGreeting, type QmpConnectOptions } from './client';
export { GuestAgentClient, type GuestInterface, type GuestExecResult, AGENT_CALL_TIMEOUT_MS } from './agent';
export { QmpCommandError, QmpDisconnectedError, QmpTimeoutError } from './errors';
