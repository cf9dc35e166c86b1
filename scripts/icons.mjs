// Renders the PWA icons (SPEC A6) from the SVG sources in public/ with sharp.
// Run: node scripts/icons.mjs — the PNGs are committed so builds need no native module.
import { readFile } from 'node:fs/promises'
import sharp from 'sharp'

const pub = new URL('../public/', import.meta.url)
const jobs = [
  { src: 'icon.svg', out: 'icon-192.png', size: 192 },
  { src: 'icon.svg', out: 'icon-512.png', size: 512 },
  { src: 'icon.svg', out: 'apple-touch-icon.png', size: 180 },
  // Maskable: the glyph sits inside the 80% safe zone and the background fills the square.
  { src: 'icon-maskable.svg', out: 'icon-maskable-512.png', size: 512 },
]
for (const j of jobs) {
  const svg = await readFile(new URL(j.src, pub))
  await sharp(svg, { density: 300 }).resize(j.size, j.size).png().toFile(new URL(j.out, pub).pathname)
  console.log(`${j.out} ${j.size}x${j.size}`)
}
