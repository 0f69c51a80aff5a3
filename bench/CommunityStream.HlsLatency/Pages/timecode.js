// @ts-check
// The on-frame timecode of the latency bench: a wall-clock time in milliseconds (Date.now(), 48 bits) and its
// CRC-16/CCITT-FALSE (16 bits) as an 8 x 8 grid of black (1) and white (0) cells, each 40 px (macroblock-aligned
// 16 px would do; 40 px survives H.264 at low bitrates and scaling). A frame whose cells do not check is rejected,
// never misread. Classic script: defines globalThis.Timecode for the bench pages and the test.
(() => {
  const side = 8;
  const cells = side * side;
  const dataBits = 48;

  /** CRC-16/CCITT-FALSE of the timecode's 6 bytes, most significant first. @param {number} value */
  function crc16(value) {
    let crc = 0xffff;
    for (let i = 5; i >= 0; i--) {
      crc ^= (Math.floor(value / 2 ** (8 * i)) & 0xff) << 8;
      for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
    return crc;
  }

  /** Cells for `value` (an integer in [0, 2^48)), most significant bit first. @param {number} value @returns {number[]} */
  function encode(value) {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** dataBits) throw new RangeError(`timecode out of range: ${value}`);
    const bits = [];
    for (let i = dataBits - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
    const crc = crc16(value);
    for (let i = 15; i >= 0; i--) bits.push((crc >> i) & 1);
    return bits;
  }

  /** The timecode in `bits`, or null when the CRC does not match. @param {ArrayLike<number>} bits @returns {number | null} */
  function decode(bits) {
    if (bits.length !== cells) return null;
    let value = 0;
    for (let i = 0; i < dataBits; i++) value = value * 2 + (bits[i] ? 1 : 0);
    let crc = 0;
    for (let i = dataBits; i < cells; i++) crc = (crc << 1) | (bits[i] ? 1 : 0);
    return crc === crc16(value) ? value : null;
  }

  /** Draws the grid with its top-left corner at (x, y). @param {CanvasRenderingContext2D} ctx */
  function draw(ctx, value, x = 0, y = 0, cell = 40) {
    const bits = encode(value);
    for (let i = 0; i < cells; i++) {
      ctx.fillStyle = bits[i] ? '#000' : '#fff';
      ctx.fillRect(x + (i % side) * cell, y + Math.floor(i / side) * cell, cell, cell);
    }
  }

  /**
   * Reads the grid back from RGBA pixels: each cell's mean luma over its inner half (away from edges that
   * compression smears), below mid-grey is 1.
   * @param {{data: Uint8ClampedArray, width: number}} image
   */
  function read(image, x = 0, y = 0, cell = 40) {
    const bits = new Array(cells);
    const inset = Math.floor(cell / 4);
    for (let i = 0; i < cells; i++) {
      const cx = x + (i % side) * cell;
      const cy = y + Math.floor(i / side) * cell;
      let sum = 0;
      let n = 0;
      for (let py = cy + inset; py < cy + cell - inset; py += 2) {
        for (let px = cx + inset; px < cx + cell - inset; px += 2) {
          const o = (py * image.width + px) * 4;
          sum += 0.299 * image.data[o] + 0.587 * image.data[o + 1] + 0.114 * image.data[o + 2];
          n++;
        }
      }
      bits[i] = sum / n < 128 ? 1 : 0;
    }
    return bits;
  }

  /** @type {any} */ (globalThis).Timecode = { side, cells, dataBits, crc16, encode, decode, draw, read };
})();
