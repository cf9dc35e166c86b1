/**
 * One coded error catalogue (fastify's FST_ERR_* pattern): the server answers
 * `{ error: { code, message } }` with the HTTP status here; the app shows `messages[lang]`.
 */
export const ERRORS = {
  E_BAD_REQUEST: { status: 400, en: 'The request is malformed.', ru: 'Некорректный запрос.' },
  E_VALIDATION: { status: 400, en: 'Some fields are invalid.', ru: 'Некоторые поля заполнены неверно.' },
  E_BODY_TOO_LARGE: { status: 413, en: 'The request is too large.', ru: 'Слишком большой запрос.' },
  E_UNSUPPORTED_MEDIA: { status: 415, en: 'Send JSON.', ru: 'Отправьте JSON.' },
  E_AUTH_REQUIRED: { status: 401, en: 'Please sign in.', ru: 'Войдите в систему.' },
  E_BAD_CREDENTIALS: {
    status: 401,
    en: 'Wrong login or password.',
    ru: 'Неверный логин или пароль.',
  },
  E_ACCOUNT_DEACTIVATED: {
    status: 401,
    en: 'Your account was deactivated by the administrator. Contact them to get access again.',
    ru: 'Ваша учётная запись отключена администратором. Обратитесь к нему, чтобы вернуть доступ.',
  },
  E_RATE_LIMITED: {
    status: 429,
    en: 'Too many attempts. Try again in a minute.',
    ru: 'Слишком много попыток. Повторите через минуту.',
  },
  E_SEAT_LIMIT: {
    status: 403,
    // Probe 13 UI #3: the one reading it is the administrator — say what to do.
    en: 'No free seats: every account of your plan is in use. Deactivate an employee or ask your provider for more seats.',
    ru: 'Свободных мест нет: все учётные записи по тарифу заняты. Отключите сотрудника или попросите поставщика увеличить тариф.',
  },
  // Issue 13, administration: employees, passwords, tenants.
  E_LOGIN_TAKEN: {
    status: 409,
    en: 'This login is already taken.',
    ru: 'Этот логин уже занят.',
  },
  E_EXTENSION_TAKEN: {
    status: 409,
    en: 'This internal number is already taken by an employee, a group or a virtual number.',
    ru: 'Этот внутренний номер уже занят сотрудником, группой или виртуальным номером.',
  },
  E_WRONG_PASSWORD: {
    status: 403,
    en: 'The current password is wrong.',
    ru: 'Текущий пароль указан неверно.',
  },
  E_SELF: {
    status: 409,
    en: 'You cannot do this to your own account.',
    ru: 'Это нельзя сделать со своей учётной записью.',
  },
  E_LAST_ADMIN: {
    status: 409,
    en: 'The company must keep at least one active administrator.',
    ru: 'В компании должен остаться хотя бы один активный администратор.',
  },
  E_TENANT_SUSPENDED: {
    status: 403,
    en: 'This company is suspended.',
    ru: 'Работа компании приостановлена.',
  },
  E_LOGIN_DOMAIN: {
    status: 400,
    en: 'A login must end with @ and your company name (or give only the part before @).',
    ru: 'Логин должен оканчиваться на @ и имя вашей компании (или укажите только часть до @).',
  },
  // Probe 10 #4: a provider's callback for a suspended company — 503 with Retry-After, so the provider
  // keeps the message and delivers it after re-activation rather than it being lost.
  E_TENANT_SUSPENDED_RETRY: {
    status: 503,
    en: 'This company is suspended for now. Try again later.',
    ru: 'Работа компании временно приостановлена. Повторите позже.',
  },
  E_SLUG_TAKEN: {
    status: 409,
    en: 'This company name (slug) is already taken.',
    ru: 'Это короткое имя компании уже занято.',
  },
  E_FORBIDDEN: { status: 403, en: 'You may not do this.', ru: 'У вас нет прав на это действие.' },
  E_STATUS_FORBIDS: {
    status: 409,
    en: 'Your current status does not allow this.',
    ru: 'Ваш текущий статус не позволяет это сделать.',
  },
  E_UNKNOWN_STATUS: { status: 400, en: 'No such status.', ru: 'Такого статуса нет.' },
  E_STATUS_IN_USE: {
    status: 409,
    en: 'Some employees are in a status you removed. Change their status first.',
    ru: 'У некоторых сотрудников установлен удаляемый статус. Сначала смените им статус.',
  },
  E_FILE_TYPE: {
    status: 415,
    en: 'This file type is not accepted.',
    ru: 'Этот тип файла не принимается.',
  },
  E_FILE_TOO_LARGE: { status: 413, en: 'The file is too large.', ru: 'Файл слишком большой.' },
  E_RANGE: {
    status: 416,
    en: 'The requested range is not available.',
    ru: 'Запрошенный диапазон недоступен.',
  },
  E_NOT_PARTICIPANT: {
    status: 403,
    en: 'Only a participant of the call may do this.',
    ru: 'Это может сделать только участник звонка.',
  },
  E_NO_SOFTPHONE: {
    status: 409,
    en: 'This company has no phone line.',
    ru: 'У этой компании нет телефонной линии.',
  },
  E_CHAT_TAKEN: {
    status: 409,
    en: 'Another operator has already taken this chat.',
    ru: 'Этот чат уже принял другой оператор.',
  },
  E_CHAT_CLOSED: {
    status: 409,
    en: 'This conversation has ended.',
    ru: 'Этот диалог завершён.',
  },
  E_VISITOR_TOKEN: {
    status: 401,
    en: 'Your chat session has expired. Reload the page.',
    ru: 'Сессия чата истекла. Обновите страницу.',
  },
  E_CHANNEL_OFF: {
    status: 409,
    en: 'This channel is not connected.',
    ru: 'Этот канал не подключён.',
  },
  E_BAD_SIGNATURE: {
    status: 401,
    en: 'The request signature is missing or wrong.',
    ru: 'Подпись запроса отсутствует или неверна.',
  },
  E_REPLAYED: {
    status: 409,
    en: 'This request was already received or is too old.',
    ru: 'Этот запрос уже получен или устарел.',
  },
  E_OMNI_OFF: {
    status: 403,
    en: 'Text requests are not enabled for your company.',
    ru: 'Текстовые обращения не подключены для вашей компании.',
  },
  E_CHANNEL_CAPABILITY: {
    status: 422,
    en: 'This channel cannot send that.',
    ru: 'Этот канал не может отправить такое сообщение.',
  },
  E_PROVIDER: {
    status: 502,
    en: 'The messaging provider refused or did not answer. Try again later.',
    ru: 'Сервис доставки отказал или не ответил. Попробуйте позже.',
  },
  E_SCHEDULE_PAST: {
    status: 422,
    en: 'Choose a time in the future.',
    ru: 'Выберите время в будущем.',
  },
  E_SCHEDULED_GONE: {
    status: 409,
    en: 'This message is already being sent or is no longer scheduled.',
    ru: 'Это сообщение уже отправляется или больше не запланировано.',
  },
  E_LEAD_TAKEN: {
    status: 409,
    en: 'Another operator has already taken this request.',
    ru: 'Эту заявку уже взял другой оператор.',
  },
  E_CRM_NOT_SET: {
    status: 409,
    en: 'No CRM webhook is set for your company.',
    ru: 'Для вашей компании не настроен вебхук CRM.',
  },
  E_TRANSFER_TARGET: {
    status: 422,
    en: 'This colleague or group cannot take the chat now.',
    ru: 'Этот сотрудник или группа сейчас не может принять чат.',
  },
  E_TRANSFER_OPEN: {
    status: 409,
    en: 'A transfer of this chat is already waiting for an answer.',
    ru: 'Передача этого чата уже ожидает ответа.',
  },
  E_TRANSFER_CLOSED: {
    status: 409,
    en: 'This transfer is no longer open.',
    ru: 'Эта передача уже неактуальна.',
  },
  E_CHAT_CONFLICT: {
    status: 409,
    en: 'The client already has another active chat on this channel. Send it there.',
    ru: 'У клиента уже есть другой активный чат в этом канале. Отправьте сообщение туда.',
  },
  E_PUSH_ENDPOINT: {
    status: 400,
    en: 'This push subscription cannot be used: its address is not a public https push service.',
    ru: 'Эту push-подписку нельзя использовать: её адрес — не публичный https-сервис уведомлений.',
  },
  E_PUSH_TOO_LARGE: {
    status: 413,
    en: 'The notification is too large to push.',
    ru: 'Уведомление слишком большое для отправки.',
  },
  E_PUSH_TAKEN: {
    status: 409,
    en: 'This push subscription belongs to another account: subscribe this device again.',
    ru: 'Эта push-подписка принадлежит другой учётной записи: подпишите устройство заново.',
  },
  E_NOT_FOUND: { status: 404, en: 'Not found.', ru: 'Не найдено.' },
  E_INTERNAL: {
    status: 500,
    en: 'Something went wrong on the server.',
    ru: 'На сервере произошла ошибка.',
  },
  E_LINK_EXPIRED: {
    status: 403,
    en: 'This file link has expired.',
    ru: 'Срок действия ссылки на файл истёк.',
  },
  // Issue 13 §2: groups, virtual numbers, the status matrix (setup); E_EXTENSION_TAKEN is above.
  E_NUMBER_TAKEN: {
    status: 409,
    en: 'This virtual number is already in use.',
    ru: 'Этот виртуальный номер уже используется.',
  },
  E_NUMBER_INVALID: {
    status: 400,
    en: 'This is not a valid phone number.',
    ru: 'Это не корректный номер телефона.',
  },
  E_GROUP_IN_USE: {
    status: 409,
    en: 'This group is still in use: a virtual number rings it or a channel’s chats go only to it. Point them elsewhere first.',
    ru: 'Группа ещё используется: на неё направлен виртуальный номер или чаты канала идут только ей. Сначала перенаправьте их.',
  },
  E_MATRIX_NO_CALLS: {
    status: 400,
    en: 'At least one status must take incoming calls.',
    ru: 'Хотя бы один статус должен принимать входящие звонки.',
  },
  // Probe 15 F1/F4: one provider call carries at most this many messages and statuses.
  E_WEBHOOK_TOO_MANY: {
    status: 413,
    en: 'The webhook carries too many messages or statuses (at most 1000).',
    ru: 'В вебхуке слишком много сообщений или статусов (не больше 1000).',
  },
  E_BUSY: {
    status: 503,
    en: 'The server is busy. Try again in a moment.',
    ru: 'Сервер перегружен. Повторите чуть позже.',
  },
  // Issue 12 §4 (S4): the workload report's period.
  E_REPORT_PERIOD: {
    status: 400,
    en: 'The period must start before it ends, not in the future, and span at most 92 days.',
    ru: 'Период должен начинаться раньше, чем заканчивается, не в будущем, и быть не длиннее 92 дней.',
  },
  // Issue 12 §6: the admin's CSV import of clients.
  E_CSV_INVALID: {
    status: 400,
    en: 'The file is not a CSV of clients: it needs a header row with a name column.',
    ru: 'Файл не похож на CSV с клиентами: нужна строка заголовков с колонкой имени.',
  },
  E_CONTACTS_READ_ONLY: {
    status: 409,
    en: 'Clients come from your CRM: change them there.',
    ru: 'Клиенты приходят из вашей CRM: меняйте их там.',
  },
  E_CSV_TOO_MANY_ROWS: {
    status: 413,
    en: 'The file has too many rows (at most 5000).',
    ru: 'В файле слишком много строк (не больше 5000).',
  },
  // Probe 12 #3, #4: channel settings a tenant admin may not choose.
  E_PROVIDER_URL_PRIVATE: {
    status: 400,
    en: 'The provider address points at this server or a private network. Use the provider’s public address.',
    ru: 'Адрес провайдера указывает на этот сервер или во внутреннюю сеть. Укажите публичный адрес провайдера.',
  },
  E_CHANNEL_ADDRESS_DOMAIN: {
    status: 400,
    en: 'An e-mail channel’s address must be at your company’s mail domain (shown in the details).',
    ru: 'Адрес канала e-mail должен быть в почтовом домене вашей компании (он указан в подробностях).',
  },
  E_CHANNEL_ADDRESS_TAKEN: {
    status: 409,
    en: 'This address is already used by another channel.',
    ru: 'Этот адрес уже используется другим каналом.',
  },
  E_EMPLOYEE_IN_USE: {
    status: 409,
    en: 'A virtual number rings this employee. Point it elsewhere first.',
    ru: 'На этого сотрудника направлен виртуальный номер. Сначала перенаправьте его.',
  },
  E_NUMBER_TARGET_INACTIVE: {
    status: 400,
    en: 'This employee is deactivated: the number would ring nobody. Choose an active employee or a group.',
    ru: 'Сотрудник деактивирован: номер никуда не будет звонить. Выберите активного сотрудника или группу.',
  },
  // Probe 13 UI #13/#14: one-time passwords and why a session ended.
  E_PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    en: 'Choose your own password first.',
    ru: 'Сначала придумайте свой пароль.',
  },
  E_SESSION_PASSWORD_CHANGED: {
    status: 401,
    en: 'Your password was changed on another device. Sign in with the new password.',
    ru: 'Пароль изменён на другом устройстве. Войдите с новым паролем.',
  },
  E_SESSION_PASSWORD_RESET: {
    status: 401,
    en: 'The administrator issued you a new password. Sign in with it.',
    ru: 'Администратор выдал вам новый пароль. Войдите с ним.',
  },
  E_SESSION_TENANT_SUSPENDED: {
    status: 401,
    en: 'Your company’s access is suspended. Your administrator can ask the provider to restore it.',
    ru: 'Доступ вашей компании приостановлен. Администратор может обратиться к поставщику, чтобы его вернуть.',
  },
} as const

export type ErrorCode = keyof typeof ERRORS
export type Lang = 'ru' | 'en'

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: string[] }
}

/** Localized message for a code (the app's own language, not the server's). */
export function errorMessage(code: string, lang: Lang): string {
  const e = (ERRORS as Record<string, { en: string; ru: string } | undefined>)[code]
  return e ? e[lang] : ERRORS.E_INTERNAL[lang]
}
