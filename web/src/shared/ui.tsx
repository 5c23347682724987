/** Components shared by the three faces: status, 999, errors, the register photo (the video panel is videopanel.tsx; the identity card, the console's only, is console/card.tsx). */
import type { ComponentChildren, Ref } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError } from "./api";
import { useT } from "./i18n";
import { TONE_ICON, type Status } from "./states";

export function Shell(props: { title: string; subtitle?: string; children: ComponentChildren; aside?: ComponentChildren }) {
  const { t } = useT();
  return (
    <>
      <a class="skip" href="#main">
        {t("page.skip")}
      </a>
      <header class="banner">
        <div class="banner-inner">
          <span class="brand">Safe Connection</span>
          <span class="banner-title">{props.title}</span>
          {props.aside}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {props.subtitle ? <p class="lede">{props.subtitle}</p> : null}
        {props.children}
      </main>
    </>
  );
}

/**
 * The live status of a session, announced politely to screen readers when it changes.
 *
 * With `headingRef` the headline is the screen's `h1` and takes the focus when the screen
 * appears (the button that led here is gone).
 */
export function StatusPanel(props: { status: Status; children?: ComponentChildren; headingRef?: Ref<HTMLHeadingElement> }) {
  const { status } = props;
  const headline = (
    <>
      <span class="status-icon" aria-hidden="true">
        {TONE_ICON[status.tone]}
      </span>{" "}
      {status.headline}
    </>
  );
  return (
    <section class={`status tone-${status.tone}`} role="status" aria-live="polite" aria-atomic="true">
      {props.headingRef ? (
        <h1 class="status-headline" ref={props.headingRef} tabIndex={-1}>
          {headline}
        </h1>
      ) : (
        <p class="status-headline">{headline}</p>
      )}
      {status.detail ? <p class="status-detail">{status.detail}</p> : null}
      {props.children}
    </section>
  );
}

export function Call999(props: { prominent?: boolean; text?: string }) {
  const { t } = useT();
  return (
    <p class={props.prominent ? "call999 prominent" : "call999"}>
      <a href="tel:999" class="button danger">
        {t("call999.button")}
      </a>{" "}
      <span>{props.text ?? t("call999.text")}</span>
    </p>
  );
}

export function ErrorMessage(props: { error: unknown }) {
  const { t } = useT();
  if (!props.error) return null;
  const error = props.error;
  const message = error instanceof Error ? error.message : String(error);
  const details = error instanceof ApiError ? error.details : [];
  return (
    <div class="error" role="alert">
      <p>
        <strong>{t("error.prefix")} </strong>
        {message}
      </p>
      {details.length > 0 ? (
        <ul>
          {details.map((d) => (
            <li key={`${d.field}-${d.message}`}>{d.field ? `${d.field}: ${d.message}` : d.message}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The officer's photo from the register, or a labelled box saying there is none. */
export function RegisterPhoto(props: { url: string | null; alt: string }) {
  const { t } = useT();
  return props.url ? (
    <img class="photo" src={props.url} alt={props.alt} width={180} height={225} />
  ) : (
    <div class="photo missing" role="img" aria-label={t("card.noPhotoLabel")}>
      {t("card.noPhoto")}
    </div>
  );
}

/** The page could not start (no config, no connection): say why and, where it helps, 999. */
export function CannotStart(props: { title: string; error: unknown; advice?: string; aside?: ComponentChildren }) {
  return (
    <Shell title={props.title} aside={props.aside}>
      <ErrorMessage error={props.error} />
      {props.advice ? <Call999 prominent text={props.advice} /> : null}
    </Shell>
  );
}

/**
 * A ref whose element takes the focus when the screen appears, so a screen reader reads the new
 * screen (the button that led here is gone, and focus would otherwise fall to the page body).
 */
export function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

/** Seconds since a timestamp, ticking every second while shown. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
