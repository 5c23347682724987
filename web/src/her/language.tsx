/** Her page's language: chosen at start, changed by the switcher, remembered on her phone. */
import {
  chooseLanguage,
  ENGLISH,
  LANGUAGE_INFO,
  LANGUAGES,
  loadCatalogue,
  STORAGE_KEY,
  translator,
  useT,
  type Lang,
  type Translator,
} from "../shared/i18n";

function stored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage refused (a private window): the browser's languages decide
  }
}

function remember(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not kept: the choice lasts this page load.
  }
}

/** The translator for a language; English if its catalogue cannot be fetched (the page still works). */
async function load(lang: Lang): Promise<Translator> {
  try {
    return translator(lang, await loadCatalogue(lang));
  } catch {
    return ENGLISH;
  }
}

/** The language the page opens in: her stored choice, else the browser's (Accept-Language), else English. */
export function startLanguage(): Promise<Translator> {
  return load(chooseLanguage(typeof navigator === "undefined" ? [] : navigator.languages, stored()));
}

/** She chose a language: fetch it and remember it. */
export async function switchLanguage(lang: Lang): Promise<Translator> {
  const tr = await load(lang);
  if (tr.lang === lang) remember(lang);
  return tr;
}

/** The document says its language and direction (screen readers, fonts, right-to-left layout). */
export function applyLanguage(tr: Translator): void {
  const html = document.documentElement;
  html.lang = tr.lang === "en" ? "en-GB" : tr.lang;
  html.dir = tr.dir;
  document.title = tr.t("page.documentTitle");
}

/** Every language, each named in itself, one tap to change; the current one is marked. */
export function LanguageSwitcher(props: { current: Lang; onChoose: (lang: Lang) => void }) {
  const { t } = useT();
  return (
    <nav class="languages" aria-label={t("page.language")}>
      <ul>
        {LANGUAGES.map((lang) => (
          <li key={lang}>
            <button
              type="button"
              class="language"
              lang={lang}
              dir={LANGUAGE_INFO[lang].dir}
              aria-current={lang === props.current ? "true" : undefined}
              onClick={() => lang !== props.current && props.onChoose(lang)}
            >
              {LANGUAGE_INFO[lang].name}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
