/**
 * The workload chart (SPEC S4) drawn by uPlot: hours per day, one bar per day stacked by status. uPlot
 * has no stacking of its own: the series are cumulative (report-view.ts `stackedDays`) and drawn
 * biggest first, so each status shows as the band between its sum and the one before it.
 */
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  color: string
  /** Cumulative hours per day. */
  values: number[]
}

/**
 * The words the chart shows, in the app's language (probe 11, finding 26: "Time: --", "h" and
 * "11/23 2026" in a Russian screen): the hours unit and a day's label ("23.11").
 */
export interface ChartText {
  hours: string
  day: (epochSec: number) => string
}

/** Draws (or redraws) the chart into `el`; returns a function that removes it. */
export function drawWorkload(
  el: HTMLElement,
  x: number[],
  series: ChartSeries[],
  title: string,
  text: ChartText,
): () => void {
  const drawn = [...series].reverse()
  const bars = uPlot.paths.bars?.({ size: [0.7, 60] })
  const plot = new uPlot(
    {
      title,
      width: Math.max(280, el.clientWidth || 320),
      height: 220,
      // Half a day either side, so a one-day period shows one bar rather than a span of years.
      scales: {
        x: { time: true, range: (_u, min, max) => [min - 43_200, max + 43_200] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      // A legend of names and colours only: the live values ("--" until hovered) mean nothing on a phone.
      legend: { live: false },
      series: [
        { label: '' },
        // Bars only: uPlot's point markers drew a row of circles along 0 (probe 12 UI #10).
        ...drawn.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: s.color,
          width: 0,
          paths: bars,
          points: { show: false },
        })),
      ],
      axes: [{ values: (_u, splits) => splits.map((v) => text.day(v)) }, { label: text.hours }],
    },
    [x, ...drawn.map((s) => s.values)],
    el,
  )
  return () => plot.destroy()
}
