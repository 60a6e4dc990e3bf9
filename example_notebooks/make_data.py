"""Regenerate the small, deterministic example data sets in ./data (run from this folder).

    python make_data.py

The files are committed; this script documents how they were made and keeps them reproducible.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).parent / "data"


def spaceflights(rng: np.random.Generator) -> None:
    n_companies, n_shuttles = 40, 120
    companies = pd.DataFrame(
        {
            "id": np.arange(1, n_companies + 1),
            "company_rating": [f"{r}%" for r in rng.integers(50, 101, n_companies)],
            "company_location": rng.choice(["Niue", "Anguilla", "Malta", "Palau"], n_companies),
            "iata_approved": rng.choice(["t", "f"], n_companies),
        }
    )
    companies.loc[[3, 17], "company_rating"] = np.nan
    engines = rng.integers(1, 5, n_shuttles)
    capacity = rng.integers(2, 9, n_shuttles)
    d_check = rng.choice(["t", "f"], n_shuttles)
    price = (
        400 + 180 * engines + 95 * capacity + 150 * (d_check == "t") + rng.normal(0, 60, n_shuttles)
    )
    shuttles = pd.DataFrame(
        {
            "id": np.arange(1001, 1001 + n_shuttles),
            "company_id": rng.integers(1, n_companies + 1, n_shuttles),
            "shuttle_type": rng.choice(["Type V5", "Type F5", "Type V2"], n_shuttles),
            "engines": engines,
            "passenger_capacity": capacity,
            "d_check_complete": d_check,
            "price": [f"${p:,.1f}" for p in price],
        }
    )
    reviews = pd.DataFrame(
        {
            "shuttle_id": shuttles["id"],
            "review_scores_rating": rng.integers(60, 101, n_shuttles),
            "number_of_reviews": rng.integers(0, 40, n_shuttles),
        }
    )
    companies.to_csv(DATA / "companies.csv", index=False)
    shuttles.to_csv(DATA / "shuttles.csv", index=False)
    reviews.to_csv(DATA / "reviews.csv", index=False)


def support_tickets(rng: np.random.Generator) -> None:
    openings = ["The app", "Checkout", "My order", "The delivery", "Support chat", "The invoice"]
    verdicts = [
        "was great and fast, thanks!",
        "is broken again, very slow and frustrating.",
        "worked fine.",
        "failed twice; terrible experience, please fix.",
        "is excellent, love the new design.",
        "was late and the box was damaged.",
        "is confusing but the agent was helpful.",
    ]
    tickets = [
        {
            "id": 5000 + i,
            "channel": str(rng.choice(["email", "chat", "phone"])),
            "text": f"{rng.choice(openings)} {rng.choice(verdicts)}",
        }
        for i in range(90)
    ]
    (DATA / "support_tickets.json").write_text(json.dumps(tickets, indent=0) + "\n")


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    generator = np.random.default_rng(20240601)
    spaceflights(generator)
    support_tickets(generator)
