import { describe, expect, it } from 'vitest'
import { pagePath, sourceText } from './summary.ts'

describe('probe 11 finding 16: an On site row tells visitors apart', () => {
  it('the page as its path and query, without the UTM tags', () => {
    expect(pagePath('https://demo.example/site/?section=prices&utm_source=vk&utm_medium=social')).toBe(
      '/site/?section=prices',
    )
    expect(pagePath('https://demo.example/')).toBe('/')
    expect(pagePath('not a url')).toBe('not a url')
  })
  it('the source as "vk · social · november", nothing without tags', () => {
    expect(sourceText({ source: 'vk', medium: 'social', campaign: 'november', term: 'x' })).toBe(
      'vk · social · november',
    )
    expect(sourceText({})).toBeNull()
    expect(sourceText(undefined)).toBeNull()
  })
})
