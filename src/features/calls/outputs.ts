/**
 * Probe 12 UI #14: the audio-output choice is offered only when there is a choice. Chrome lists its
 * "default" and "communications" entries beside the device they stand for, so one speaker looked
 * like two (a full-width "Fake Default Audio Output" select on a phone with one output).
 */

/** Chrome's aliases of another output (Media Capture and Streams: `deviceId` "default"). */
const ALIASES = new Set(['default', 'communications'])

/** The real outputs among enumerateDevices()'s audio outputs. */
export function realOutputs<D extends Pick<MediaDeviceInfo, 'deviceId'>>(devices: readonly D[]): D[] {
  return devices.filter((d) => d.deviceId !== '' && !ALIASES.has(d.deviceId))
}
