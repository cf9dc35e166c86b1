/** The demo tenant's people, clients and channels (seeded once by seed.ts). */
import type { Role } from '../../../contract/api.ts'

export interface DemoAccount {
  login: string
  role: Role
  name: string
  extension: string
  mobile: string
  email: string
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    login: 'admin@demo',
    role: 'admin',
    name: 'Ольга Сергеевна Белова',
    extension: '199',
    mobile: '+79161230199',
    email: 'admin@demo.frontline.local',
  },
  {
    login: 'supervisor@demo',
    role: 'supervisor',
    name: 'Дмитрий Андреевич Орлов',
    extension: '100',
    mobile: '+79161230100',
    email: 'orlov@demo.frontline.local',
  },
  {
    login: 'op1@demo',
    role: 'operator',
    name: 'Анна Смирнова',
    extension: '101',
    mobile: '+79161230101',
    email: 'smirnova@demo.frontline.local',
  },
  {
    login: 'op2@demo',
    role: 'operator',
    name: 'Иван Кузнецов',
    extension: '102',
    mobile: '+79161230102',
    email: 'kuznetsov@demo.frontline.local',
  },
  {
    login: 'op3@demo',
    role: 'operator',
    name: 'Мария Попова',
    extension: '103',
    mobile: '+79161230103',
    email: 'popova@demo.frontline.local',
  },
  {
    login: 'op4@demo',
    role: 'operator',
    name: 'Алексей Васильев',
    extension: '104',
    mobile: '+79161230104',
    email: 'vasiliev@demo.frontline.local',
  },
  {
    login: 'op5@demo',
    role: 'operator',
    name: 'Екатерина Новикова',
    extension: '105',
    mobile: '+79161230105',
    email: 'novikova@demo.frontline.local',
  },
  {
    login: 'op6@demo',
    role: 'operator',
    name: 'Сергей Морозов',
    extension: '106',
    mobile: '+79161230106',
    email: 'morozov@demo.frontline.local',
  },
]

const CLIENT_NAMES = [
  'Александр Петров',
  'Елена Соколова',
  'Михаил Лебедев',
  'Наталья Козлова',
  'Андрей Новиков',
  'Татьяна Морозова',
  'Павел Волков',
  'Юлия Алексеева',
  'Николай Семёнов',
  'Ирина Егорова',
  'Владимир Павлов',
  'Светлана Степанова',
  'Артём Николаев',
  'Ольга Орлова',
  'Максим Андреев',
  'Анастасия Макарова',
  'Роман Захаров',
  'Виктория Зайцева',
  'Денис Соловьёв',
  'Ксения Борисова',
  'Евгений Яковлев',
  'Дарья Григорьева',
  'Константин Романов',
  'Полина Воробьёва',
  'Игорь Сергеев',
  'Алина Кузьмина',
  'Олег Фролов',
  'Вероника Александрова',
  'Григорий Дмитриев',
  'Людмила Королёва',
]
const TRANSLIT = [
  'petrov',
  'sokolova',
  'lebedev',
  'kozlova',
  'novikov',
  'morozova',
  'volkov',
  'alekseeva',
  'semenov',
  'egorova',
  'pavlov',
  'stepanova',
  'nikolaev',
  'orlova',
  'andreev',
  'makarova',
  'zakharov',
  'zaitseva',
  'soloviev',
  'borisova',
  'yakovlev',
  'grigorieva',
  'romanov',
  'vorobieva',
  'sergeev',
  'kuzmina',
  'frolov',
  'aleksandrova',
  'dmitriev',
  'koroleva',
]
const MAIL = ['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru', 'inbox.ru']

export interface DemoClient {
  name: string
  phones: string[]
  emails: string[]
  telegram: string | null
  /** 'Sales' | 'Support' | null */
  group: string | null
  /** login of the personal manager, or null */
  manager: string | null
}

/** 30 clients; deterministic so the demo and e2e tests can rely on them. */
export const DEMO_CLIENTS: DemoClient[] = CLIENT_NAMES.map((name, i) => {
  const t = TRANSLIT[i] ?? `client${i}`
  const phone = `+7${916 + (i % 9)}${String(4_000_000 + i * 73_519).padStart(7, '0')}`
  return {
    name,
    phones: i % 5 === 0 ? [phone, `+7495${String(1_200_000 + i * 991).padStart(7, '0')}`] : [phone],
    emails: i % 4 === 3 ? [] : [`${t}${i % 3 === 0 ? '' : 1980 + i}@${MAIL[i % MAIL.length]}`],
    telegram: i % 3 === 1 ? null : `${t}_${i + 7}`,
    group: i % 4 === 0 ? 'Sales' : i % 4 === 1 ? 'Support' : null,
    manager: i % 6 === 0 ? `op${(i % 3) + 1}@demo` : i % 6 === 3 ? `op${(i % 3) + 4}@demo` : null,
  }
})

/** The demo tenant's e-mail channel: mail to it over SMTP (SMTP_PORT) lands in Requests (issue 8 §1). */
export const DEMO_EMAIL_ADDRESS = 'support@demo.frontline.local'

export const DEMO_CHANNELS = [
  { kind: 'webchat', name: 'Чат на сайте', connected: true, autoCompleteMinutes: 30, config: {} },
  {
    kind: 'email',
    name: 'E-mail support@demo.frontline.local',
    connected: true,
    autoCompleteMinutes: null,
    config: { address: 'support@demo.frontline.local' },
    address: DEMO_EMAIL_ADDRESS,
  },
  {
    kind: 'telegram_bot',
    name: 'Telegram-бот @frontline_demo_bot',
    connected: true,
    autoCompleteMinutes: 60,
    config: { username: 'frontline_demo_bot' },
  },
  {
    kind: 'whatsapp',
    name: 'WhatsApp +7 495 120-45-67',
    connected: true,
    autoCompleteMinutes: 60,
    config: { gateway: true, number: '+74951204567' },
  },
  {
    kind: 'sms',
    name: 'SMS +7 495 120-45-68',
    connected: true,
    autoCompleteMinutes: null,
    config: { gateway: true, number: '+74951204568' },
  },
]

/** T3: the demo operator whose Accept button is off (opening a New chat takes it). */
export const DEMO_NO_ACCEPT_BUTTON = 'op3@demo'

export const DEMO_TEMPLATES = [
  { name: 'Приветствие', text: 'Здравствуйте! Меня зовут {operator}, я помогу вам. Чем могу быть полезен?' },
  { name: 'Уточнение заказа', text: 'Подскажите, пожалуйста, номер вашего заказа — я проверю его статус.' },
  { name: 'Завершение', text: 'Спасибо за обращение! Если появятся вопросы — пишите, мы на связи.' },
  { name: 'Hello (English)', text: 'Hello {client}! My name is {operator}, how can I help you?' },
]

export const DEMO_NUMBERS = [
  { number: '+74951204560', group: 'Sales', name: 'Sales', source: 'website' },
  { number: '+74951204561', group: 'Support', name: 'Support', source: 'Yandex Direct' },
]
