// Every persisted entity, listed once for the ORM and the migrations.
import { ApiToken } from './accounts/api-token.entity.js';
import { LoginThrottle } from './accounts/login-throttle.entity.js';
import { PasswordResetToken } from './accounts/password-reset-token.entity.js';
import { Session } from './accounts/session.entity.js';
import { User } from './accounts/user.entity.js';
import { AuditAnchor, AuditEvent } from './audit/audit-event.entity.js';
import { Organization } from './directory/organization.entity.js';
import { DownloadLinkRecord } from './files/download-link.entity.js';
import { FileDownload } from './files/file-download.entity.js';
import { PendingUpload } from './files/pending-upload.entity.js';
import { StoredFile } from './files/stored-file.entity.js';
import { TusUpload } from './files/tus-upload.entity.js';
import { MessageRecipient } from './messages/message-recipient.entity.js';
import { Message } from './messages/message.entity.js';
import { OutboxMail } from './notifications/outbox-mail.entity.js';
import { Preferences } from './notifications/preferences.entity.js';

export const entities = [
  Organization,
  User,
  Session,
  PasswordResetToken,
  ApiToken,
  LoginThrottle,
  OutboxMail,
  AuditEvent,
  AuditAnchor,
  Message,
  MessageRecipient,
  StoredFile,
  FileDownload,
  DownloadLinkRecord,
  PendingUpload,
  TusUpload,
  Preferences,
];
