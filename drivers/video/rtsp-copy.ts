/**
 * ffmpeg's input for a camera's video as it is: RTSP over TCP (interleaved, so no UDP ports to
 * open and no reordering), its first video stream, copied without decoding.
 */
export const rtspVideoCopy = (url: string): string[] => [
  '-rtsp_transport',
  'tcp',
  '-i',
  url,
  '-map',
  '0:v:0',
  '-c',
  'copy',
];
