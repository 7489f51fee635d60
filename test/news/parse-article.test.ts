/** The thaigov.go.th article parser on the three real samples (test/fixtures/news/). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArticleParseError, parseArticle, parseThaiDate } from '../../src/news/parse-article.ts';

const fixture = (id: string) =>
  readFileSync(new URL(`../fixtures/news/thaigov-${id}.txt`, import.meta.url), 'utf8');

describe('parseArticle', () => {
  it.each([
    {
      id: '27107',
      title: 'สปส. จ.นครสวรรค์ เปิดบริการ แฟ้มนายจ้างอิเล็กทรอนิกส์ รวดเร็ว สืบค้นได้ง่าย',
      date: '2020-03-12',
      bodyStart: 'สำนักงานประกันสังคมจังหวัดนครสวรรค์ เปิดโครงการจัดทำแฟ้มนายจ้างอิเล็กทรอนิกส์',
      bodyEnd: 'การปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ',
      paragraphs: 3,
    },
    {
      id: '55847',
      title: 'ชาวเชียงใหม่ เฮ รมว เฮ้ง เปิด สำนักงานประกันสังคมแห่งใหม่ หวังมุ่งสู่บริการเป็นเลิศ',
      date: '2022-06-18',
      bodyStart: 'เมื่อวันที่ 18 มิถุนายน 2565 เวลา 10.00 น. นายสุชาติ ชมกลิ่น',
      bodyEnd: 'ดุจคนในครอบครัวประกันสังคม',
      paragraphs: 4,
    },
    {
      id: '73012',
      title:
        '“คารม” เผย รัฐบาลมุ่งให้ปี 67 เป็นปีแห่งการขับเคลื่อนงานประกันสังคมให้เข้มแข็ง ให้เป็นที่ยอมรับ เชื่อมั่น และไว้วางใจจากลูกจ้าง ผู้ประกันตนและสังคม',
      date: '2023-10-06',
      bodyStart: 'วันที่ 6 ตุลาคม 2566 นายคารม พลพรกลาง',
      bodyEnd: 'นายคารม กล่าว',
      paragraphs: 10,
    },
  ])('thaigov-$id: title, Buddhist-era date → $date, body and source URL', (c) => {
    const a = parseArticle(fixture(c.id));
    expect(a.title).toBe(c.title);
    expect(a.publishedDate).toBe(c.date);
    expect(a.sourceUrl).toBe(`https://www.thaigov.go.th/news/contents/details/${c.id}`);
    expect(a.body.startsWith(c.bodyStart)).toBe(true);
    expect(a.body.endsWith(c.bodyEnd)).toBe(true);
    expect(a.body.split('\n')).toHaveLength(c.paragraphs);
    // Page furniture and the repeated headline stay out of the body.
    expect(a.body).not.toMatch(/ที่มา\s*:/);
    expect(a.body).not.toContain('รัฐบาลไทย-ข่าวทำเนียบรัฐบาล');
    expect(a.body.split('\n')).not.toContain(c.title);
    expect(a.body.split('\n')).not.toContain('พิมพ์');
    expect(a.summary.length).toBeLessThanOrEqual(201);
    expect(c.bodyStart.startsWith(a.summary.slice(0, 20))).toBe(true);
  });

  it('says what is missing', () => {
    expect(() => parseArticle('')).toThrow(ArticleParseError);
    expect(() => parseArticle('หัวข้อ\n\nไม่มีวันที่\nเนื้อหา')).toThrow(/publication date/);
    expect(() => parseArticle('หัวข้อ\nวันจันทร์ที่ 1 มกราคม 2567\n')).toThrow(/no body/);
    expect(() =>
      parseArticle('หัวข้อ\nวันจันทร์ที่ 1 มกราคม 2567\nเนื้อหา\nที่มา : javascript:alert(1)'),
    ).toThrow(/not an http/);
  });
});

describe('parseThaiDate', () => {
  it('converts Buddhist-era dates, abbreviations and Thai digits', () => {
    expect(parseThaiDate('วันเสาร์ที่ 18 มิถุนายน 2565')).toBe('2022-06-18');
    expect(parseThaiDate('1 ม.ค. 2567')).toBe('2024-01-01');
    expect(parseThaiDate('๒๙ กุมภาพันธ์ ๒๕๖๗')).toBe('2024-02-29');
    expect(parseThaiDate('31 กุมภาพันธ์ 2567')).toBeUndefined();
    expect(parseThaiDate('ไม่มีวันที่')).toBeUndefined();
  });
});
