/** A loopback TCP port that is free now and that no other live caller of freePort holds (scripts/ports.mjs). */
export function freePort(): Promise<number>
/** Reserve `port` for this process; false when a live process (this one too) holds it already. */
export function reservePort(port: number): boolean
