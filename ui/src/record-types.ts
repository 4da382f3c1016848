// Generated from controller/record-catalogue.ts by npm run generate: do not edit.

/** Every record type the gateway emits. */
export type RecordTypeName =
  | "alarm.raised"
  | "alarm.acknowledged"
  | "alarm.cleared"
  | "alarm.updated"
  | "command.result"
  | "command.rejected"
  | "command.rejected-summary"
  | "audit.record"
  | "device.health"
  | "controller.started"
  | "clock.jumped"
  | "storage.telemetry-evicted"
  | "env.reading"
  | "access.unreadable"
  | "access.granted"
  | "access.denied"
  | "access.passage"
  | "access.not-passed"
  | "gate.mode"
  | "osdp.online"
  | "osdp.secure-channel-refused"
  | "camera.motion"
  | "camera.line-crossing"
  | "camera.intrusion"
  | "camera.tamper"
  | "camera.digital-input"
  | "camera.person"
  | "camera.vehicle"
  | "camera.connected"
  | "alarm.clip"
  | "clip.uploaded"
  | "pa.queued"
  | "pa.started"
  | "pa.finished"
  | "pa.failed"
  | "pa.dropped"
  | "pa.preempted"
  | "pa.relay-failed"
  | "board.tap"
  | "board.notice"
  | "emergency.test-press"
  | "emergency.test-mode"
  | "scenario.started"
  | "scenario.report"
  | "update.started"
  | "update.installed"
  | "update.failed"
  | "update.confirmed"
  | "gb28181.link"
  | "gb28181.clock-drift"
  | "gb28181.query"
  | "gb28181.media"
  | "gb28181.broadcast"
  | "gb28181.alarm-sent"
  | "talkback.call"
  | "linkage.step"
  | "linkage.notice"
  | "output.state"
  | "zone.state";

/** The data of each record type. */
export interface RecordDataOf {
  "alarm.raised": {
    "alarm": {
      "id": string;
      "key": string;
      "type": string;
      "source": string;
      "severity": string;
      "message": string;
      "active": boolean;
      "raisedAt": number;
      "clearedAt": number | null;
      "ackedAt": number | null;
      "ackedBy": string | null;
      "data": {
        [field: string]: unknown;
      };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "alarm.acknowledged": {
    "alarm": {
      "id": string;
      "key": string;
      "type": string;
      "source": string;
      "severity": string;
      "message": string;
      "active": boolean;
      "raisedAt": number;
      "clearedAt": number | null;
      "ackedAt": number | null;
      "ackedBy": string | null;
      "data": {
        [field: string]: unknown;
      };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "alarm.cleared": {
    "alarm": {
      "id": string;
      "key": string;
      "type": string;
      "source": string;
      "severity": string;
      "message": string;
      "active": boolean;
      "raisedAt": number;
      "clearedAt": number | null;
      "ackedAt": number | null;
      "ackedBy": string | null;
      "data": {
        [field: string]: unknown;
      };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "alarm.updated": {
    "alarm": {
      "id": string;
      "key": string;
      "type": string;
      "source": string;
      "severity": string;
      "message": string;
      "active": boolean;
      "raisedAt": number;
      "clearedAt": number | null;
      "ackedAt": number | null;
      "ackedBy": string | null;
      "data": {
        [field: string]: unknown;
      };
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "command.result": {
    "requestId": string | null;
    "command": string;
    "args": unknown;
    "actor": {
      "kind": string;
      "name": string;
      [field: string]: unknown;
    };
    "ok": boolean;
    "error"?: string;
    "code"?: string;
    "params"?: {
      [field: string]: unknown;
    };
    "auditId": number;
    "chain": {
      "n": number;
      "hash": string;
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "command.rejected": {
    "requestId": string | null;
    "ok": boolean;
    "error": string;
    "topic": string;
    [field: string]: unknown;
  };
  "command.rejected-summary": {
    "requestId": null;
    "ok": boolean;
    [field: string]: unknown;
  };
  "audit.record": {
    "what": string;
    "args": unknown;
    "ok": boolean;
    "actor": {
      "kind": string;
      "name": string;
      [field: string]: unknown;
    };
    "auditId": number;
    "chain": {
      "n": number;
      "hash": string;
      [field: string]: unknown;
    };
    [field: string]: unknown;
  };
  "device.health": {
    "kind": string;
    "health": string;
    "previous": string | null;
    "detail": string | null;
    [field: string]: unknown;
  };
  "controller.started": {
    "version": string;
    "schema": number;
    [field: string]: unknown;
  };
  "clock.jumped": {
    "jumpMs": number;
    "from": string;
    "to": string;
    [field: string]: unknown;
  };
  "storage.telemetry-evicted": {
    "count": number;
    "firstSeq": number;
    "lastSeq": number;
    [field: string]: unknown;
  };
  "env.reading": {
    "room": string;
    "model": string;
    "readings": ({
      "point": string;
      "value": number;
      "unit": string;
      "quality": "good";
      [field: string]: unknown;
    } | {
      "point": string;
      "value": number | null;
      "unit": string;
      "quality": "bad";
      "reason": string;
      [field: string]: unknown;
    })[];
    [field: string]: unknown;
  };
  "access.unreadable": {
    "bits": number;
    "reason": string;
    [field: string]: unknown;
  };
  "access.granted": {
    "gate": string;
    "direction": "in" | "out";
    "reason": "granted" | "free-passage" | "unknown-card" | "disabled" | "not-yet-valid" | "expired" | "no-rule" | "outside-schedule" | "anti-passback" | "gate-locked";
    "cardholderId": string | null;
    "card": string | null;
    "bits": string;
    "format": string;
    [field: string]: unknown;
  };
  "access.denied": {
    "gate": string;
    "direction": "in" | "out";
    "reason": "granted" | "free-passage" | "unknown-card" | "disabled" | "not-yet-valid" | "expired" | "no-rule" | "outside-schedule" | "anti-passback" | "gate-locked";
    "cardholderId": string | null;
    "card": string | null;
    "bits": string;
    "format": string;
    [field: string]: unknown;
  };
  "access.passage": {
    "gate": string;
    "direction": "in" | "out";
    "cardholderId": string | null;
    "day": string;
    "granted": boolean;
    [field: string]: unknown;
  };
  "access.not-passed": {
    "gate": string;
    "direction": "in" | "out";
    "cardholderId": string | null;
    [field: string]: unknown;
  };
  "gate.mode": {
    "mode": string;
    "fire": boolean;
    [field: string]: unknown;
  };
  "osdp.online": {
    "secure": boolean;
    "installKey": boolean;
    [field: string]: unknown;
  };
  "osdp.secure-channel-refused": {
    "reason": string;
    [field: string]: unknown;
  };
  "camera.motion": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.line-crossing": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.intrusion": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.tamper": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.digital-input": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.person": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.vehicle": {
    "active": boolean;
    "armed": boolean;
    "sourceKey": string;
    "topic": string;
    "cameraTime": string | null;
    [field: string]: unknown;
  };
  "camera.connected": {
    "manufacturer": string;
    "model": string;
    "clockDriftMs": number;
    [field: string]: unknown;
  };
  "alarm.clip": {
    "alarm": string;
    "alarmId": string;
    "button": string;
    "camera": string;
    "ok": boolean;
    "file"?: string;
    "bytes"?: number;
    "sha256"?: string;
    "durationS"?: number;
    "beforeS"?: number;
    "detail"?: string;
    [field: string]: unknown;
  };
  "clip.uploaded": {
    "file": string;
    "alarmId": string;
    "alarm": string;
    "camera": string;
    "bytes": number;
    "sha256": string;
    "parts": number;
    "seconds": number;
    "ok": boolean;
    "detail"?: string;
    [field: string]: unknown;
  };
  "pa.queued": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "pa.started": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    "zones": string[];
    [field: string]: unknown;
  };
  "pa.finished": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "pa.failed": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "pa.dropped": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "pa.preempted": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "pa.relay-failed": {
    "broadcast": number;
    "label": string;
    "priority": string;
    "by": string;
    "sourceKind": string;
    [field: string]: unknown;
  };
  "board.tap": {
    "cardholderId": string;
    "class": string;
    "day": string;
    [field: string]: unknown;
  };
  "board.notice": {
    "boards": string[];
    "text": string;
    "noticeId": string;
    [field: string]: unknown;
  };
  "emergency.test-press": {
    "name": string;
    "testBy": string;
    [field: string]: unknown;
  };
  "emergency.test-mode": {
    "until": string;
    "by": string;
    [field: string]: unknown;
  };
  "scenario.started": {
    "id": string;
    "kind": string;
    "drill": boolean;
    [field: string]: unknown;
  };
  "scenario.report": {
    "id": string;
    "kind": string;
    "drill": boolean;
    "by": string;
    "startedAt": number;
    "finishedAt": number;
    "timeline": ({
      "step": string;
      "target": string;
      "commandedAt": number;
      "confirmedAt": number | null;
      "ok": boolean;
      "detail"?: string;
      "code"?: string;
      "params"?: {
        [field: string]: unknown;
      };
      "nothing"?: "no-gates" | "no-pa-zones" | "no-boards";
    })[];
    [field: string]: unknown;
  };
  "update.started": {
    "version": string;
    [field: string]: unknown;
  };
  "update.installed": {
    "version": string;
    [field: string]: unknown;
  };
  "update.failed": {
    "version": string;
    [field: string]: unknown;
  };
  "update.confirmed": {
    "version": string;
    [field: string]: unknown;
  };
  "gb28181.link": {
    "platform": string;
    "state": string;
    "detail": string;
    [field: string]: unknown;
  };
  "gb28181.clock-drift": {
    "platform": string;
    "driftMs": number;
    [field: string]: unknown;
  };
  "gb28181.query": {
    "platform": string;
    "cmdType": string;
    "sn": number;
    "answered": boolean;
    "detail"?: string;
    [field: string]: unknown;
  };
  "gb28181.media": {
    "platform": string;
    "camera": string;
    "state": string;
    "detail": string;
    [field: string]: unknown;
  };
  "gb28181.broadcast": {
    "platform": string;
    "zones": string[];
    "state": string;
    "detail": string;
    [field: string]: unknown;
  };
  "gb28181.alarm-sent": {
    "platform": string;
    "channel": string;
    "alarm": string;
    "delivered": boolean;
    "detail": string;
    [field: string]: unknown;
  };
  "talkback.call": {
    "alarm": string;
    "alarmId": string;
    "button": string;
    "centre": string;
    "state": "calling" | "answered" | "ended" | "failed";
    "attempt": number;
    "codec"?: string;
    "answerMs"?: number;
    "firstAudioMs"?: number | null;
    "durationS"?: number;
    "sent"?: number;
    "heard"?: number;
    "pa"?: string;
    "reason"?: string;
    "status"?: number | null;
    "detail"?: string;
    "ok"?: boolean;
    [field: string]: unknown;
  };
  "linkage.step": {
    "alarm": string;
    "alarmId": string;
    "rule": string;
    "ruleName": string;
    "step": number;
    "do": string;
    "ok": boolean;
    "detail": string;
    "code"?: string;
    "params"?: {
      [field: string]: unknown;
    };
    "startedAt": number;
    "ms": number;
    [field: string]: unknown;
  };
  "linkage.notice": {
    "alarm": string;
    "alarmId": string;
    "rule": string;
    "ruleName": string;
    "type": string;
    "device": string;
    [field: string]: unknown;
  };
  "output.state": {
    "name": string;
    "kind": string;
    "on": boolean;
    "seconds": number | null;
    "by": string;
    [field: string]: unknown;
  };
  "zone.state": {
    "name": string;
    "state": string;
    "bypassed": boolean;
    "open": boolean;
    "why": string;
    "by": string;
    [field: string]: unknown;
  };
}
