/** A point in canvas pixels. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A straight piece of a path, from its first point to its second. */
export type Edge = readonly [Point, Point];

/** An affine transform `[a, b, c, d, e, f]`, as the canvas API orders it. */
type Matrix = [number, number, number, number, number, number];

/** Straight pieces a curve or a quarter of a small circle is cut into. */
const curveSteps = 16;

/**
 * The path of a canvas 2D context, kept as straight edges in canvas pixels: it takes the context's path
 * operations (`moveTo`, `lineTo`, `closePath`, Bézier curves, `arc`, `rect`) and its transform
 * (`translate`, `rotate`, `scale`, `transform`, `setTransform`, `save` and `restore`), as Vega's marks
 * draw with them, and flattens curves and arcs to short lines.
 *
 * @example
 * const path = new FlatPath();
 * path.translate(10, 10); path.arc(0, 0, 4, 0, 2 * Math.PI);
 * path.outline(); // the circle's edges, about (10, 10)
 */
export class FlatPath {
  private matrix: Matrix = [1, 0, 0, 1, 0, 0];
  private readonly saved: Matrix[] = [];
  private subpaths: { points: Point[]; closed: boolean }[] = [];
  /** Where the path is now, before the transform, for a curve that starts there. */
  private current: Point | undefined;

  save(): void {
    this.saved.push([...this.matrix]);
  }

  restore(): void {
    this.matrix = this.saved.pop() ?? this.matrix;
  }

  translate(x: number, y: number): void {
    this.transform(1, 0, 0, 1, x, y);
  }

  rotate(angle: number): void {
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    this.transform(cos, sin, -sin, cos, 0, 0);
  }

  scale(x: number, y: number): void {
    this.transform(x, 0, 0, y, 0, 0);
  }

  transform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const [ma, mb, mc, md, me, mf] = this.matrix;
    this.matrix = [
      ma * a + mc * b,
      mb * a + md * b,
      ma * c + mc * d,
      mb * c + md * d,
      ma * e + mc * f + me,
      mb * e + md * f + mf,
    ];
  }

  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    this.matrix = [a, b, c, d, e, f];
  }

  beginPath(): void {
    this.subpaths = [];
    this.current = undefined;
  }

  moveTo(x: number, y: number): void {
    this.subpaths.push({ points: [this.device(x, y)], closed: false });
    this.current = { x, y };
  }

  lineTo(x: number, y: number): void {
    const subpath = this.subpaths.at(-1);
    if (subpath === undefined || subpath.closed) {
      this.moveTo(x, y);
      return;
    }
    subpath.points.push(this.device(x, y));
    this.current = { x, y };
  }

  closePath(): void {
    const subpath = this.subpaths.at(-1);
    if (subpath === undefined) return;
    subpath.closed = true;
    this.current = this.user(subpath.points[0]!);
  }

  bezierCurveTo(x1: number, y1: number, x2: number, y2: number, x: number, y: number): void {
    const start = this.current ?? { x: x1, y: y1 };
    for (let step = 1; step <= curveSteps; step += 1) {
      const t = step / curveSteps;
      const s = 1 - t;
      this.lineTo(
        s * s * s * start.x + 3 * s * s * t * x1 + 3 * s * t * t * x2 + t * t * t * x,
        s * s * s * start.y + 3 * s * s * t * y1 + 3 * s * t * t * y2 + t * t * t * y,
      );
    }
  }

  quadraticCurveTo(x1: number, y1: number, x: number, y: number): void {
    const start = this.current ?? { x: x1, y: y1 };
    for (let step = 1; step <= curveSteps; step += 1) {
      const t = step / curveSteps;
      const s = 1 - t;
      this.lineTo(s * s * start.x + 2 * s * t * x1 + t * t * x, s * s * start.y + 2 * s * t * y1 + t * t * y);
    }
  }

  /** An arc as a canvas draws it: a full circle when it sweeps a whole turn or more in its direction. */
  arc(x: number, y: number, radius: number, start: number, end: number, counterclockwise = false): void {
    const turn = 2 * Math.PI;
    let sweep = end - start;
    if (!counterclockwise) sweep = sweep >= turn ? turn : ((sweep % turn) + turn) % turn;
    else sweep = -sweep >= turn ? -turn : ((sweep % turn) - turn) % turn;
    const steps = Math.max(curveSteps, Math.ceil((Math.abs(sweep) * radius) / 2));
    for (let step = 0; step <= steps; step += 1) {
      const angle = start + (sweep * step) / steps;
      this.lineTo(x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
  }

  /** A rounded corner, drawn square: to the corner point. */
  arcTo(x1: number, y1: number): void {
    this.lineTo(x1, y1);
  }

  rect(x: number, y: number, width: number, height: number): void {
    this.moveTo(x, y);
    this.lineTo(x + width, y);
    this.lineTo(x + width, y + height);
    this.lineTo(x, y + height);
    this.closePath();
  }

  /** The edges of the path with every subpath closed, as a fill takes it. */
  outline(): Edge[] {
    return this.subpaths.flatMap(({ points }) =>
      points.map((point, index): Edge => [point, points[(index + 1) % points.length]!]),
    );
  }

  /** The edges of the path as a stroke draws them: a subpath closed only where `closePath` closed it. */
  segments(): Edge[] {
    return this.subpaths.flatMap(({ points, closed }) =>
      points
        .slice(0, closed ? points.length : -1)
        .map((point, index): Edge => [point, points[(index + 1) % points.length]!]),
    );
  }

  private device(x: number, y: number): Point {
    const [a, b, c, d, e, f] = this.matrix;
    return { x: a * x + c * y + e, y: b * x + d * y + f };
  }

  private user(point: Point): Point {
    const [a, b, c, d, e, f] = this.matrix;
    const determinant = a * d - b * c;
    const x = point.x - e;
    const y = point.y - f;
    return { x: (d * x - c * y) / determinant, y: (a * y - b * x) / determinant };
  }
}
