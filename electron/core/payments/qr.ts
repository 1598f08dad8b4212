// The link's URL as a QR code, drawn locally with `qrcode` (no network). SVG text plus a data: URL for an
// <img> (the renderer's CSP allows data: images). `qrcode` is loaded on the first QR code asked for, not
// at start: nothing before the first screen needs it.
import { AppError } from '../../../shared/errors';

export interface QrImage {
  url: string;
  svg: string;
  dataUrl: string;
}

export async function qrFor(url: string | null): Promise<QrImage> {
  if (!url) throw new AppError('conflict', 'This link has no URL yet: the gateway has not confirmed it. Try again in a moment.');
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M', width: 256 });
  return { url, svg, dataUrl: `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}` };
}
