import { type Edge, FlatPath, type Point } from "./flat-path.ts";

/** Pixels around an edge that a canvas draws partly (anti-aliased), so a pixel it only touches counts. */
const edgeReach = 0.5;

/** Whether a fill or stroke style paints nothing: transparent, `none`, or a colour of alpha 0. */
function paintsNothing(style: unknown): boolean {
  if (typeof style !== "string") return style === null || style === undefined;
  const text = style.trim().toLowerCase();
  if (text === "" || text === "none" || text === "transparent") return true;
  const alpha = /^(?:rgba|hsla)\(.*[,/]\s*([\d.]+)%?\s*\)$/.exec(text);
  return alpha !== null && Number(alpha[1]) === 0;
}

/** The shortest distance from `point` to the segment from `start` to `end`. */
function segmentDistance(point: Point, [start, end]: Edge): number {
  const dx = end.x - start.x;
  const dy = end.y - start.y;
  const lengthSquared = dx * dx + dy * dy;
  const along =
    lengthSquared === 0
      ? 0
      : Math.max(0, Math.min(1, ((point.x - start.x) * dx + (point.y - start.y) * dy) / lengthSquared));
  return Math.hypot(point.x - (start.x + along * dx), point.y - (start.y + along * dy));
}

/** Positive when `point` is left of the line from `start` to `end`. */
function side([start, end]: Edge, point: Point): number {
  return (end.x - start.x) * (point.y - start.y) - (point.x - start.x) * (end.y - start.y);
}

/** The winding number of the closed `edges` around `point`. */
function winding(edges: readonly Edge[], point: Point): number {
  let count = 0;
  for (const edge of edges) {
    const [start, end] = edge;
    if (start.y <= point.y) {
      if (end.y > point.y && side(edge, point) > 0) count += 1;
    } else if (end.y <= point.y && side(edge, point) < 0) count -= 1;
  }
  return count;
}

/**
 * The 2D context of a `CoverageCanvas`: its path is a `FlatPath`, and `fill` and `stroke` mark each pixel
 * the shape covers or touches as opaque. Colours only say whether anything is drawn; dashes, clips and
 * text are ignored.
 */
class CoverageContext extends FlatPath {
  globalAlpha = 1;
  fillStyle: unknown = "#000";
  strokeStyle: unknown = "#000";
  lineWidth = 1;
  lineCap = "butt";
  lineJoin = "miter";
  miterLimit = 10;
  lineDashOffset = 0;
  globalCompositeOperation = "source-over";
  pixelRatio = 1;
  private readonly canvas: CoverageCanvas;
  private pixels: Uint8ClampedArray | undefined;

  constructor(canvas: CoverageCanvas) {
    super();
    this.canvas = canvas;
  }

  setLineDash(): void {}

  clip(): void {}

  fillText(): void {}

  strokeText(): void {}

  isPointInPath(): boolean {
    return false;
  }

  isPointInStroke(): boolean {
    return false;
  }

  fillRect(x: number, y: number, width: number, height: number): void {
    this.beginPath();
    this.rect(x, y, width, height);
    this.fill();
  }

  /** Marks the pixels inside the path (non-zero winding) and those its outline touches. */
  fill(): void {
    if (this.globalAlpha <= 0 || paintsNothing(this.fillStyle)) return;
    const edges = this.outline();
    this.coverInside(edges);
    this.coverEdges(edges, edgeReach);
  }

  /** Marks the pixels within half the line width of the path, dashed or not. */
  stroke(): void {
    if (this.globalAlpha <= 0 || this.lineWidth <= 0 || paintsNothing(this.strokeStyle)) return;
    this.coverEdges(this.segments(), this.lineWidth / 2 + edgeReach);
  }

  getImageData(
    x: number,
    y: number,
    width: number,
    height: number,
  ): { data: Uint8ClampedArray; width: number; height: number } {
    const pixels = this.buffer();
    const data = new Uint8ClampedArray(width * height * 4);
    for (let row = 0; row < height; row += 1) {
      if (y + row < 0 || y + row >= this.canvas.height) continue;
      const source = (y + row) * this.canvas.width + x;
      data.set(pixels.subarray(source * 4, (source + width) * 4), row * width * 4);
    }
    return { data, width, height };
  }

  /** Marks every pixel whose centre lies inside the closed `edges`. */
  private coverInside(edges: readonly Edge[]): void {
    const { left, right, top, bottom } = this.pixelBox(edges.flat(), 0);
    for (let y = top; y <= bottom; y += 1) {
      for (let x = left; x <= right; x += 1) {
        if (winding(edges, { x: x + 0.5, y: y + 0.5 }) !== 0) this.mark(x, y);
      }
    }
  }

  /** Marks every pixel whose centre lies within `reach` of one of the `edges`. */
  private coverEdges(edges: readonly Edge[], reach: number): void {
    for (const edge of edges) {
      const { left, right, top, bottom } = this.pixelBox(edge, reach);
      for (let y = top; y <= bottom; y += 1) {
        for (let x = left; x <= right; x += 1) {
          if (segmentDistance({ x: x + 0.5, y: y + 0.5 }, edge) <= reach) this.mark(x, y);
        }
      }
    }
  }

  /** The pixels, within the canvas, of the box around `points` widened by `reach`; empty for none. */
  private pixelBox(points: readonly Point[], reach: number) {
    const xs = points.map((point) => point.x);
    const ys = points.map((point) => point.y);
    return {
      left: Math.max(0, Math.floor(Math.min(...xs) - reach)),
      right: Math.min(this.canvas.width - 1, Math.ceil(Math.max(...xs) + reach)),
      top: Math.max(0, Math.floor(Math.min(...ys) - reach)),
      bottom: Math.min(this.canvas.height - 1, Math.ceil(Math.max(...ys) + reach)),
    };
  }

  private mark(x: number, y: number): void {
    const index = (y * this.canvas.width + x) * 4;
    this.buffer().fill(255, index, index + 4);
  }

  /** The canvas's pixels (RGBA), made anew when its size has changed. */
  private buffer(): Uint8ClampedArray {
    const size = this.canvas.width * this.canvas.height * 4;
    if (this.pixels === undefined || this.pixels.length !== size) this.pixels = new Uint8ClampedArray(size);
    return this.pixels;
  }
}

/**
 * A canvas for Node, where there is none, that records only which pixels are drawn on: enough for Vega's
 * `label` transform, which draws the marks its labels avoid (`avoidMarks`) to a canvas and reads back
 * where they are. Fills and strokes of lines, curves, arcs and rectangles are covered, with the pixels a
 * browser would draw partly; dashed lines count as solid, text as nothing.
 *
 * @example
 * const context = new CoverageCanvas(300, 200).getContext("2d")!;
 * context.beginPath(); context.arc(10, 10, 4, 0, 2 * Math.PI); context.fill();
 */
export class CoverageCanvas {
  width: number;
  height: number;
  private readonly context = new CoverageContext(this);

  constructor(width = 300, height = 150) {
    this.width = width;
    this.height = height;
  }

  /** The 2D context; no other kind is offered. */
  getContext(kind: string): CoverageContext | null {
    return kind === "2d" ? this.context : null;
  }
}
