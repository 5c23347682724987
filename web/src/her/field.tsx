/**
 * One typed field of her page (her code, her reference, her record key): its label, hint and
 * problem, and an input made for codes typed from another screen (left to right whatever the
 * page's direction, no autocomplete or spellcheck, capitals offered). The problem is announced
 * (`role="alert"`) and tied to the input, as are the hint and the invalid state.
 */
import type { ComponentChildren, RefObject } from "preact";

import { useT } from "../shared/i18n";

export interface CodeFieldProps {
  id: string;
  label: ComponentChildren;
  hint: ComponentChildren;
  /** What is wrong with what she typed, or nothing. */
  problem?: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  maxLength: number;
  inputRef?: RefObject<HTMLInputElement | null>;
  name?: string;
  inputClass?: string;
}

export function CodeField(props: CodeFieldProps) {
  const tr = useT();
  const hint = `${props.id}-hint`;
  const error = `${props.id}-error`;
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <p class="hint" id={hint}>
        {props.hint}
      </p>
      {props.problem ? (
        <p class="field-error" id={error} role="alert">
          <span class="sr-only">{tr.t("enter.errorPrefix")} </span>
          {props.problem}
        </p>
      ) : null}
      <input
        ref={props.inputRef}
        id={props.id}
        name={props.name}
        class={props.inputClass}
        dir="ltr"
        value={props.value}
        onInput={(e) => props.onValue((e.currentTarget as HTMLInputElement).value)}
        autoComplete="off"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={props.maxLength}
        aria-describedby={props.problem ? `${hint} ${error}` : hint}
        aria-invalid={props.problem ? "true" : "false"}
      />
    </>
  );
}
