/** The updates' records: an update received, installed, refused or failed, and confirmed. */
import { data, type RecordType, S } from '../../core/records.ts';

const update = (type: string, description: string): RecordType => ({
  type,
  topics: ['events/system'],
  severities: ['info', 'warning'],
  description,
  data: data({ version: S }),
});

export const UPDATE_RECORDS: readonly RecordType[] = [
  update('update.started', 'An update is being received into the idle slot.'),
  update('update.installed', 'An update was installed; the gateway restarts into it.'),
  update('update.failed', 'An update was refused or failed to install.'),
  update('update.confirmed', 'The new build proved itself and is kept.'),
];
