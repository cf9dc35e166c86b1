/** A decorative single-path 24×24 SVG icon (the control next to it carries the accessible name). */
import type { JSX } from 'solid-js'

/** Renders one SVG path at `size` px (24 by default). */
export function PathIcon(props: { d: string; size?: number }): JSX.Element {
  return (
    <svg
      class="icon"
      width={props.size ?? 24}
      height={props.size ?? 24}
      viewBox="0 0 24 24"
      aria-hidden="true"
    >
      <path d={props.d} fill="currentColor" />
    </svg>
  )
}
