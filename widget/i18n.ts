/** The widget's words in both languages (ru/en by data-lang or navigator.language). */
export type Lang = 'en' | 'ru'

const EN = {
  open: 'Chat with us',
  close: 'Close the chat',
  title: 'Chat',
  name: 'Your name (optional)',
  message: 'Message',
  send: 'Send',
  attach: 'Attach a file',
  record: 'Record a voice message',
  stop: 'Stop recording',
  rerecord: 'Record again',
  sendVoice: 'Send the voice message',
  cancel: 'Cancel',
  recording: 'Recording…',
  hello: 'Write to us — an operator will answer here.',
  ended: 'The conversation has ended. Write again to start a new one.',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  failed: 'not sent',
  retry: 'Retry',
  you: 'You',
  operator: 'Operator',
  offline: 'No connection — messages will be sent when it is back.',
  tooLarge: 'The file is larger than 30 MB.',
  badType: 'This file type is not accepted.',
  noMic: 'The microphone is not available.',
  download: 'Download',
  voice: 'Voice message',
  taken: 'is answering',
  systemEvent: 'The conversation was updated.',
  completed: 'The operator completed the conversation.',
  tooLong: 'The message is longer than 10,000 characters.',
}
export type Key = keyof typeof EN

const RU: Record<Key, string> = {
  open: 'Напишите нам',
  close: 'Закрыть чат',
  title: 'Чат',
  name: 'Ваше имя (необязательно)',
  message: 'Сообщение',
  send: 'Отправить',
  attach: 'Прикрепить файл',
  record: 'Записать голосовое сообщение',
  stop: 'Остановить запись',
  rerecord: 'Записать заново',
  sendVoice: 'Отправить голосовое сообщение',
  cancel: 'Отмена',
  recording: 'Идёт запись…',
  hello: 'Напишите нам — оператор ответит здесь.',
  ended: 'Диалог завершён. Напишите снова, чтобы начать новый.',
  sending: 'отправляется',
  sent: 'отправлено',
  delivered: 'доставлено',
  read: 'прочитано',
  failed: 'не отправлено',
  retry: 'Повторить',
  you: 'Вы',
  operator: 'Оператор',
  offline: 'Нет связи — сообщения уйдут, когда она появится.',
  tooLarge: 'Файл больше 30 МБ.',
  badType: 'Этот тип файла не принимается.',
  noMic: 'Микрофон недоступен.',
  download: 'Скачать',
  voice: 'Голосовое сообщение',
  taken: 'отвечает',
  systemEvent: 'Диалог обновлён.',
  completed: 'Оператор завершил диалог.',
  tooLong: 'Сообщение длиннее 10 000 символов.',
}

/** The language: data-lang when given, else the browser's. */
export function pickLang(attr: string | undefined): Lang {
  if (attr === 'ru' || attr === 'en') return attr
  return (navigator.languages ?? [navigator.language]).some((l) => l?.toLowerCase().startsWith('ru'))
    ? 'ru'
    : 'en'
}

/** The words of a language. */
export const words = (lang: Lang): Record<Key, string> => (lang === 'ru' ? RU : EN)
