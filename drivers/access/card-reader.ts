/** What every card reader driver reports, and the feedback it may be able to give. */
export interface CardRead {
  readerId: string;
  /** The canonical card id (the data bits as a decimal number). */
  card: string;
  bits: string;
  format: string;
  /** performance.now() when the read was decoded, for the card-to-gate latency. */
  at: number;
}

export interface CardReaders {
  onCard(handler: (read: CardRead) => void): void;
  /** LED and buzzer on the reader, where the reader has them (OSDP); Wiegand converters have none. */
  feedback(readerId: string, granted: boolean): void;
}
