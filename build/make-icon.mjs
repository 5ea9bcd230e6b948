// Draws Baton's mark once, from one list of shapes, as build/icon.svg, build/icon.png (512×512,
// rasterized here with 4×4 supersampling and written with node:zlib, no image library) and
// renderer/public/favicon.svg. Run it when the mark changes: `node build/make-icon.mjs`.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const RADIUS = 116; // corner radius of the tile
const BG_FROM = [0x63, 0x66, 0xf1]; // indigo-500, top left
const BG_TO = [0x43, 0x38, 0xca]; // indigo-700, bottom right

// A conductor's baton, held at the lower left, sweeping up to the right; two motion arcs trail its tip.
const HANDLE = { x: 150, y: 362 };
const deg = (d) => (d * Math.PI) / 180;
const SHAPES = [
  { kind: 'arc', c: HANDLE, r: 304, from: deg(-37), to: deg(-11), width: 22, color: [255, 255, 255], alpha: 0.5 },
  { kind: 'arc', c: HANDLE, r: 240, from: deg(-32), to: deg(-14), width: 22, color: [255, 255, 255], alpha: 0.3 },
  { kind: 'stick', a: { x: 168, y: 344 }, b: { x: 382, y: 130 }, ra: 17, rb: 9, color: [255, 255, 255], alpha: 1 },
  { kind: 'stick', a: { x: 118, y: 394 }, b: { x: 176, y: 336 }, ra: 38, rb: 30, color: [0xfb, 0xbf, 0x24], alpha: 1 },
];

// ------------------------------------------------------------------ SVG

const hex = (rgb) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
const r1 = (v) => Math.round(v * 10) / 10;

function svgShape(shape) {
  if (shape.kind === 'arc') {
    const p0 = { x: shape.c.x + shape.r * Math.cos(shape.from), y: shape.c.y + shape.r * Math.sin(shape.from) };
    const p1 = { x: shape.c.x + shape.r * Math.cos(shape.to), y: shape.c.y + shape.r * Math.sin(shape.to) };
    return `<path d="M${r1(p0.x)} ${r1(p0.y)}A${shape.r} ${shape.r} 0 0 1 ${r1(p1.x)} ${r1(p1.y)}" fill="none" stroke="${hex(shape.color)}" stroke-opacity="${shape.alpha}" stroke-width="${shape.width}" stroke-linecap="round"/>`;
  }
  // A tapered stick: the hull of two circles (outer tangents), as one path.
  const { a, b, ra, rb } = shape;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy);
  const angle = Math.atan2(dy, dx);
  const phi = Math.acos((ra - rb) / len); // angle from the axis to the tangent points
  const at = (c, r, t) => ({ x: c.x + r * Math.cos(angle + t), y: c.y + r * Math.sin(angle + t) });
  const a1 = at(a, ra, phi);
  const b1 = at(b, rb, phi);
  const b2 = at(b, rb, -phi);
  const a2 = at(a, ra, -phi);
  const d =
    `M${r1(a1.x)} ${r1(a1.y)}L${r1(b1.x)} ${r1(b1.y)}A${rb} ${rb} 0 0 0 ${r1(b2.x)} ${r1(b2.y)}` +
    `L${r1(a2.x)} ${r1(a2.y)}A${ra} ${ra} 0 1 0 ${r1(a1.x)} ${r1(a1.y)}Z`;
  return `<path d="${d}" fill="${hex(shape.color)}"${shape.alpha === 1 ? '' : ` fill-opacity="${shape.alpha}"`}/>`;
}

function svg() {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${SIZE} ${SIZE}" width="${SIZE}" height="${SIZE}">`,
    '<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">',
    `<stop offset="0" stop-color="${hex(BG_FROM)}"/><stop offset="1" stop-color="${hex(BG_TO)}"/>`,
    '</linearGradient></defs>',
    `<rect width="${SIZE}" height="${SIZE}" rx="${RADIUS}" fill="url(#bg)"/>`,
    ...SHAPES.map(svgShape),
    '</svg>',
    '',
  ].join('\n');
}

// ------------------------------------------------------------------ raster

function insideTile(x, y) {
  const cx = Math.min(Math.max(x, RADIUS), SIZE - RADIUS);
  const cy = Math.min(Math.max(y, RADIUS), SIZE - RADIUS);
  return (x - cx) ** 2 + (y - cy) ** 2 <= RADIUS ** 2 && x >= 0 && y >= 0 && x <= SIZE && y <= SIZE;
}

function insideShape(shape, x, y) {
  if (shape.kind === 'arc') {
    const dx = x - shape.c.x;
    const dy = y - shape.c.y;
    const t = Math.atan2(dy, dx);
    const half = shape.width / 2;
    if (t >= shape.from && t <= shape.to && Math.abs(Math.hypot(dx, dy) - shape.r) <= half) return true;
    for (const end of [shape.from, shape.to]) {
      const ex = shape.c.x + shape.r * Math.cos(end);
      const ey = shape.c.y + shape.r * Math.sin(end);
      if ((x - ex) ** 2 + (y - ey) ** 2 <= half ** 2) return true; // round caps
    }
    return false;
  }
  // the union of circles along the axis whose radius goes from ra to rb
  const { a, b, ra, rb } = shape;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  if ((x - a.x) ** 2 + (y - a.y) ** 2 <= ra * ra) return true;
  if ((x - b.x) ** 2 + (y - b.y) ** 2 <= rb * rb) return true;
  const len = Math.sqrt(len2);
  const sin = (ra - rb) / len;
  const cos = Math.sqrt(1 - sin * sin);
  // in axis coordinates: inside the side tangent line, between its two tangent points
  const along = ((x - a.x) * dx + (y - a.y) * dy) / len;
  const across = Math.abs((x - a.x) * dy - (y - a.y) * dx) / len;
  const onTangent = along * cos - across * sin;
  if (onTangent < 0 || onTangent > len * cos) return false;
  return across * cos + along * sin <= ra;
}

function raster() {
  const SAMPLES = 4;
  const rgba = Buffer.alloc(SIZE * SIZE * 4);
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const x = px + (sx + 0.5) / SAMPLES;
          const y = py + (sy + 0.5) / SAMPLES;
          if (!insideTile(x, y)) continue;
          const t = (x + y) / (2 * SIZE);
          let color = BG_FROM.map((from, i) => from + (BG_TO[i] - from) * t);
          for (const shape of SHAPES) {
            if (insideShape(shape, x, y)) color = color.map((c, i) => c + (shape.color[i] - c) * shape.alpha);
          }
          r += color[0];
          g += color[1];
          b += color[2];
          a += 1;
        }
      }
      const o = (py * SIZE + px) * 4;
      if (a > 0) {
        // straight (not premultiplied) alpha, as PNG wants
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
        rgba[o + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
      }
    }
  }
  return rgba;
}

// ------------------------------------------------------------------ PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1)); // each row: filter byte 0, then pixels
  for (let y = 0; y < SIZE; y++) rgba.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mark = svg();
writeFileSync(join(root, 'build', 'icon.svg'), mark);
mkdirSync(join(root, 'renderer', 'public'), { recursive: true });
writeFileSync(join(root, 'renderer', 'public', 'favicon.svg'), mark);
writeFileSync(join(root, 'build', 'icon.png'), png(raster()));
console.log('wrote build/icon.svg, build/icon.png, renderer/public/favicon.svg');
