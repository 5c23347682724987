/** The officer's identity card, as the sergeant and the 999 operator see it (the console's only). */
import { RegisterPhoto } from "../shared/ui";
import type { IdentityCard } from "../shared/types";
import { t } from "./messages";

export function IdentityCardView(props: { card: IdentityCard; heading?: string }) {
  const { card } = props;
  const name = `${card.rank} ${card.shoulder_number} ${card.display_name}`;
  const heading = props.heading ?? t("console.card.heading");
  return (
    <section class="card" aria-label={heading}>
      <h2>{heading}</h2>
      {card.warnings.length > 0 ? (
        <ul class="warnings" aria-label={t("console.card.warnings")}>
          {card.warnings.map((w) => (
            <li key={w.code} class="warning">
              <span aria-hidden="true">⚠ </span>
              <strong>{t("console.card.warning")}</strong> {w.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div class="card-body">
        <RegisterPhoto url={card.photo_url} alt={t("console.card.photo", { name })} />
        <dl class="facts">
          <dt>{t("console.card.name")}</dt>
          <dd>{card.display_name}</dd>
          <dt>{t("console.card.rank")}</dt>
          <dd>{card.rank}</dd>
          <dt>{t("console.card.shoulder")}</dt>
          <dd class="big">{card.shoulder_number}</dd>
          <dt>{t("console.card.force")}</dt>
          <dd>{card.force}</dd>
          <dt>{t("console.card.area")}</dt>
          <dd>{card.area}</dd>
          <dt>{t("console.card.status")}</dt>
          <dd>{card.status}</dd>
          <dt>{t("console.card.duty")}</dt>
          <dd>{card.on_duty ? t("console.card.onDuty") : t("console.card.notOnDuty")}</dd>
        </dl>
      </div>
    </section>
  );
}
