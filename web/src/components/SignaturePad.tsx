// Draw a signature with a finger, pen or mouse. Keyboard and screen-reader users (and anyone
// who prefers it) can sign with their typed name instead, drawn in a handwriting style.
import { useEffect, useRef, useState } from 'preact/hooks';

interface Props {
  /** The typed name, for "sign with my typed name". */
  name: string;
  onChange: (png: string | null) => void;
  describedBy?: string;
}

export function SignaturePad({ name, onChange, describedBy }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [signed, setSigned] = useState(false);

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ratio = Math.min(window.devicePixelRatio || 1, 2);
    c.width = c.clientWidth * ratio;
    c.height = c.clientHeight * ratio;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    ctx.lineWidth = 2.5;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = '#111';
  }, []);

  const ctx = () => canvas.current?.getContext('2d') ?? null;
  const point = (e: PointerEvent): [number, number] => {
    const r = (e.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  const done = () => {
    setSigned(true);
    onChange(canvas.current?.toDataURL('image/png') ?? null);
  };

  const down = (e: PointerEvent) => {
    const c = ctx();
    if (!c) return;
    e.preventDefault();
    (e.currentTarget as HTMLCanvasElement).setPointerCapture(e.pointerId);
    drawing.current = true;
    const [x, y] = point(e);
    c.beginPath();
    c.moveTo(x, y);
    c.lineTo(x + 0.1, y + 0.1);
    c.stroke();
  };
  const move = (e: PointerEvent) => {
    const c = ctx();
    if (!drawing.current || !c) return;
    const [x, y] = point(e);
    c.lineTo(x, y);
    c.stroke();
  };
  const up = () => {
    if (!drawing.current) return;
    drawing.current = false;
    done();
  };

  const clear = () => {
    const c = canvas.current;
    c?.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    setSigned(false);
    onChange(null);
  };

  const typed = () => {
    const c = canvas.current;
    const g = ctx();
    if (!c || !g || !name.trim()) return;
    g.clearRect(0, 0, c.width, c.height);
    g.font = `italic 32px "Segoe Script", "Brush Script MT", cursive`;
    g.fillStyle = '#111';
    g.textBaseline = 'middle';
    g.fillText(name.trim(), 16, c.clientHeight / 2, c.clientWidth - 32);
    done();
  };

  return (
    <div class="signature">
      <canvas
        ref={canvas}
        class="signature-pad"
        role="img"
        aria-label={signed ? 'Your signature' : 'Signature area: draw your signature here'}
        aria-describedby={describedBy}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <div class="signature-actions">
        <button type="button" class="button link" onClick={typed} disabled={!name.trim()}>
          Sign with my typed name
        </button>
        <button type="button" class="button link" onClick={clear} disabled={!signed}>
          Clear signature
        </button>
      </div>
    </div>
  );
}
