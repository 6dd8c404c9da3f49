import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { englishShare, guessLanguage, MIN_ENGLISH_SHARE, primaryLanguage, unreadableLanguage } from '../../lib/engine/language';
import { loadDocumentFile } from '../../lib/node/cli/load-document';
import { CORPUS_DIR, FIXTURE_DIR } from '../support/sample-server';

/** A few paragraphs of policy prose per language, written for this test (not copied from any policy). */
const SAMPLES: Record<string, string> = {
  de: `Wir verarbeiten Ihre personenbezogenen Daten nur, wenn es für die Bereitstellung unserer Dienste erforderlich
ist. Sie können der Nutzung Ihrer Daten für Werbezwecke jederzeit in den Kontoeinstellungen widersprechen. Auch
nach einem Widerspruch speichern wir die Daten, die wir für die Abrechnung und zur Erfüllung gesetzlicher Pflichten
benötigen. Wenn Sie Fragen zum Datenschutz haben, wenden Sie sich bitte an unseren Datenschutzbeauftragten. Die
Daten werden nicht an Dritte verkauft, und wir geben sie nur an Dienstleister weiter, die in unserem Auftrag handeln.`,
  fr: `Nous utilisons vos données personnelles pour fournir et améliorer nos services. Vous pouvez vous opposer à
l'utilisation de vos conversations pour l'entraînement de nos modèles dans les paramètres de votre compte. Même si
vous vous y opposez, nous conservons les contenus signalés pour des raisons de sécurité. Nous ne vendons pas vos
données et nous les partageons uniquement avec des prestataires qui agissent pour notre compte. Pour toute question
sur la protection des données, vous pouvez contacter notre délégué à la protection des données.`,
  es: `Utilizamos sus datos personales para prestar y mejorar nuestros servicios. Puede oponerse al uso de sus
conversaciones para entrenar nuestros modelos desde la configuración de su cuenta. Incluso si se opone,
conservaremos los contenidos que hayan sido marcados por motivos de seguridad. No vendemos sus datos y solo los
compartimos con proveedores que actúan en nuestro nombre. Si tiene preguntas sobre la protección de datos, puede
ponerse en contacto con nuestro delegado de protección de datos.`,
  pt: `Utilizamos os seus dados pessoais para prestar e melhorar os nossos serviços. Você pode se opor ao uso das
suas conversas para treinar os nossos modelos nas configurações da sua conta. Mesmo que você se oponha, manteremos
os conteúdos sinalizados por motivos de segurança. Não vendemos os seus dados e só os compartilhamos com
prestadores que atuam em nosso nome. Se tiver dúvidas sobre a proteção de dados, entre em contato com o nosso
encarregado de proteção de dados.`,
};

const NAMES: Record<string, string> = { de: 'German', fr: 'French', es: 'Spanish', pt: 'Portuguese' };

function policyFiles(): string[] {
  return [CORPUS_DIR, FIXTURE_DIR].filter(existsSync).flatMap((dir) =>
    readdirSync(dir).filter((file) => file.endsWith('.md') && file !== 'SOURCE.md').map((file) => join(dir, file)));
}

describe('unreadableLanguage', () => {
  for (const [code, text] of Object.entries(SAMPLES)) {
    it(`flags ${NAMES[code]} text, declared or not, and names it`, () => {
      expect(englishShare(text)).toBeLessThan(MIN_ENGLISH_SHARE);
      expect(guessLanguage(text)).toBe(code);
      expect(unreadableLanguage({ lang: code, text })).toEqual({ code, name: NAMES[code] });
      expect(unreadableLanguage({ lang: '', text })).toEqual({ code, name: NAMES[code] });
      // A template that declares English does not make the text English.
      expect(unreadableLanguage({ lang: 'en-US', text })).toEqual({ code, name: NAMES[code] });
    });
  }

  it('trusts the declared language when there are too few words to tell', () => {
    expect(unreadableLanguage({ lang: 'ja', text: 'プライバシーポリシー' })).toEqual({ code: 'ja', name: 'Japanese' });
    expect(unreadableLanguage({ lang: 'pt-BR', text: 'Política de privacidade' })).toEqual({ code: 'pt', name: 'Portuguese' });
    expect(unreadableLanguage({ lang: 'en', text: 'Privacy' })).toBeNull();
    expect(unreadableLanguage({ text: '' })).toBeNull();
  });

  it('reads English through invisible characters and combining marks, and leaves a run of one phrase to the declared language', () => {
    const english = 'We use your data to improve the service, and you can opt out of this use at any time in your settings. ';
    const mangled = Array.from(english.repeat(4)).map((char, i) => (i % 3 === 0 ? `${char}\u200b\u0301` : char)).join('');
    expect(unreadableLanguage({ text: mangled })).toBeNull();
    expect(unreadableLanguage({ text: `Opt out ${'opt out '.repeat(1000)}except where required by law` })).toBeNull();
    expect(unreadableLanguage({ lang: 'fr', text: 'opt out '.repeat(1000) })).toEqual({ code: 'fr', name: 'French' });
  });

  it('reads a language it cannot name as "another language"', () => {
    const text = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod tempor incididunt labore dolore magna aliqua. '.repeat(5);
    expect(unreadableLanguage({ text })).toEqual({ code: '', name: 'another language' });
  });

  it('parses lang attributes', () => {
    expect(primaryLanguage('pt-BR')).toBe('pt');
    expect(primaryLanguage(' EN_gb ')).toBe('en');
    expect(primaryLanguage('<script>')).toBe('');
    expect(primaryLanguage(undefined)).toBe('');
  });

  const files = policyFiles();
  it('finds English policies to check (corpus and fixtures)', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`reads ${file.split('/').pop()} as English, even under a wrong lang attribute`, async () => {
      const { extraction } = await loadDocumentFile(file);
      expect(englishShare(extraction.text)).toBeGreaterThanOrEqual(MIN_ENGLISH_SHARE);
      expect(unreadableLanguage({ lang: 'en', text: extraction.text })).toBeNull();
      expect(unreadableLanguage({ lang: 'de', text: extraction.text })).toBeNull();
    });
  }
});
