/**
 * Text for an XML element or attribute: every value that goes into a camera's SOAP request
 * (a preset token typed in the console, an address the camera gave) is escaped, since the
 * onvif package puts what it is given into its XML as it is.
 */
export const xmlText = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
