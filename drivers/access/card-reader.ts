/** What every card reader driver reports. */
export interface CardRead {
  readerId: string;
  /** The canonical card id (the data bits as a decimal number). */
  card: string;
  bits: string;
  format: string;
  /** performance.now() when the read was decoded, for the card-to-gate latency. */
  at: number;
}
