// The contractor's colours, applied as CSS variables. A brand colour that would make white
// button text unreadable (contrast under 4.5:1) is darkened until it passes.
import type { TenantProfile } from '../api/types';

function channels(hex: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m?.[1]) return null;
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastWithWhite(hex: string): number {
  const c = channels(hex);
  return c ? 1.05 / (luminance(c) + 0.05) : 1;
}

/** The colour, darkened in steps until white text on it reaches 4.5:1. */
export function readable(hex: string, fallback = '#0b5cad'): string {
  let c = channels(hex) ?? channels(fallback);
  if (!c) return fallback;
  for (let i = 0; i < 20 && 1.05 / (luminance(c) + 0.05) < 4.5; i++) {
    c = [Math.floor(c[0] * 0.9), Math.floor(c[1] * 0.9), Math.floor(c[2] * 0.9)];
  }
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

export function applyBrand(t: TenantProfile): void {
  const root = document.documentElement.style;
  root.setProperty('--brand', readable(t.branding.primary_color));
  root.setProperty('--accent', channels(t.branding.accent_color) ? t.branding.accent_color : '#f5a524');
  document.title = `${t.name} · Customer portal`;
  document.querySelector('meta[name="theme-color"]')?.setAttribute('content', readable(t.branding.primary_color));
}
