// Council (not GOV.UK) icons for Line of Sight: a white "sight" ring and dot on
// the brand colour. No crown. Drawn here so the build needs nothing but Node.
import { deflateSync } from 'node:zlib'

const BRAND = [0x1d, 0x4e, 0x60]
const WHITE = [0xff, 0xff, 0xff]

// Shape in unit coordinates (0..1): ring centre radius, ring width, dot radius.
const RING_R = 0.28
const RING_W = 0.12
const DOT_R = 0.1

export function faviconSvg (hex = '#1d4e60') {
  const s = 32
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${s} ${s}">` +
    `<rect width="${s}" height="${s}" rx="${s * 0.125}" fill="${hex}"/>` +
    `<circle cx="${s / 2}" cy="${s / 2}" r="${RING_R * s}" fill="none" stroke="#fff" stroke-width="${RING_W * s}"/>` +
    `<circle cx="${s / 2}" cy="${s / 2}" r="${DOT_R * s}" fill="#fff"/></svg>\n`
}

function insideRoundedSquare (x, y, r) {
  if (r <= 0) return true
  const cx = Math.min(Math.max(x, r), 1 - r)
  const cy = Math.min(Math.max(y, r), 1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}

function isWhite (x, y) {
  const d = Math.hypot(x - 0.5, y - 0.5)
  return d <= DOT_R || Math.abs(d - RING_R) <= RING_W / 2
}

// RGBA pixels, 4x4 supersampled.
function draw (size, cornerRadius) {
  const px = Buffer.alloc(size * size * 4)
  const n = 4
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let cover = 0
      let white = 0
      for (let sj = 0; sj < n; sj++) {
        for (let si = 0; si < n; si++) {
          const x = (i + (si + 0.5) / n) / size
          const y = (j + (sj + 0.5) / n) / size
          if (!insideRoundedSquare(x, y, cornerRadius)) continue
          cover++
          if (isWhite(x, y)) white++
        }
      }
      const o = (j * size + i) * 4
      const w = cover ? white / cover : 0
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(BRAND[c] * (1 - w) + WHITE[c] * w)
      px[o + 3] = Math.round((255 * cover) / (n * n))
    }
  }
  return px
}

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k
  for (let b = 0; b < 8; b++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32 (buf) {
  let c = 0xffffffff
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

function chunk (type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

export function png (size, cornerRadius = 0) {
  const px = draw(size, cornerRadius)
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let j = 0; j < size; j++) {
    raw[j * (size * 4 + 1)] = 0 // filter: none
    px.copy(raw, j * (size * 4 + 1) + 1, j * size * 4, (j + 1) * size * 4)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
  ])
}

// ICO holding PNG images (supported by every current browser).
export function ico (sizes = [16, 32, 48]) {
  const images = sizes.map((s) => png(s, 0.125))
  const header = Buffer.alloc(6)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2)
  header.writeUInt16LE(images.length, 4)
  let offset = 6 + 16 * images.length
  const entries = images.map((img, k) => {
    const e = Buffer.alloc(16)
    e[0] = sizes[k] % 256
    e[1] = sizes[k] % 256
    e.writeUInt16LE(1, 4) // planes
    e.writeUInt16LE(32, 6) // bits per pixel
    e.writeUInt32LE(img.length, 8)
    e.writeUInt32LE(offset, 12)
    offset += img.length
    return e
  })
  return Buffer.concat([header, ...entries, ...images])
}
