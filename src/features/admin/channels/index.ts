/** The admin's Channels screen (issue 13 §2; SPEC T1, A5). */
export { ChannelsSection } from './ChannelsSection.tsx'
