"""Make the example's raw data in data/01_raw: companies, shuttles and their reviews.

    python make_data.py

The three CSV files are committed (about 60 KB); this script says how they were made and makes
the same bytes again (a seeded generator). Like Kedro's spaceflights data, the raw columns need
preprocessing: flags are ``t``/``f``, ratings ``"87%"``, prices ``"$1,325.0"``, and some values
are missing. A shuttle's price depends on its features, its company's rating and its reviews,
plus noise, so a linear model on the model input table explains most, but not all, of it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

RAW = Path(__file__).resolve().parent / "data" / "01_raw"
SEED = 20261206
N_COMPANIES, N_SHUTTLES = 80, 800


def make_companies(rng: np.random.Generator) -> pd.DataFrame:
    rating = rng.integers(55, 101, N_COMPANIES).astype(float)
    companies = pd.DataFrame(
        {
            "id": np.arange(1, N_COMPANIES + 1),
            "company_rating": [f"{r:.0f}%" for r in rating],
            "company_location": rng.choice(["Niue", "Anguilla", "Malta", "Palau"], N_COMPANIES),
            "total_fleet_count": rng.integers(1, 12, N_COMPANIES),
            "iata_approved": rng.choice(["t", "f"], N_COMPANIES, p=[0.6, 0.4]),
        }
    )
    companies.loc[rng.choice(N_COMPANIES, 4, replace=False), "company_rating"] = None
    return companies


def make_shuttles(rng: np.random.Generator, companies: pd.DataFrame) -> pd.DataFrame:
    company_id = rng.integers(1, N_COMPANIES + 1, N_SHUTTLES)
    engines = rng.integers(1, 5, N_SHUTTLES)
    capacity = rng.integers(2, 11, N_SHUTTLES)
    crew = rng.integers(1, 6, N_SHUTTLES).astype(float)
    d_check = rng.choice(["t", "f"], N_SHUTTLES)
    moon = rng.choice(["t", "f"], N_SHUTTLES, p=[0.3, 0.7])
    rating = (
        companies.set_index("id")["company_rating"]
        .str.rstrip("%")
        .astype(float)
        .fillna(75)
        .loc[company_id]
        .to_numpy()
    )
    price = (
        350
        + 170 * engines
        + 85 * capacity
        + 40 * crew
        + 140 * (d_check == "t")
        + 90 * (moon == "t")
        + 6 * (rating - 75)
        + rng.normal(0, 90, N_SHUTTLES)
    )
    shuttles = pd.DataFrame(
        {
            "id": np.arange(10001, 10001 + N_SHUTTLES),
            "company_id": company_id,
            "shuttle_type": rng.choice(["Type V5", "Type F5", "Type V2"], N_SHUTTLES),
            "engine_type": rng.choice(["Plasma", "Quantum", "Nuclear"], N_SHUTTLES),
            "engines": engines,
            "passenger_capacity": capacity,
            "crew": crew,
            "d_check_complete": d_check,
            "moon_clearance_complete": moon,
            "price": [f"${p:,.1f}" for p in price],
        }
    )
    shuttles.loc[rng.choice(N_SHUTTLES, 25, replace=False), "crew"] = np.nan
    return shuttles


def make_reviews(rng: np.random.Generator, shuttles: pd.DataFrame) -> pd.DataFrame:
    reviews = pd.DataFrame(
        {
            "shuttle_id": shuttles["id"],
            "review_scores_rating": rng.integers(60, 101, N_SHUTTLES).astype(float),
            "number_of_reviews": rng.integers(0, 60, N_SHUTTLES),
        }
    )
    reviews.loc[rng.choice(N_SHUTTLES, 30, replace=False), "review_scores_rating"] = np.nan
    return reviews


def main() -> None:
    rng = np.random.default_rng(SEED)
    companies = make_companies(rng)
    shuttles = make_shuttles(rng, companies)
    reviews = make_reviews(rng, shuttles)
    RAW.mkdir(parents=True, exist_ok=True)
    for name, frame in [("companies", companies), ("shuttles", shuttles), ("reviews", reviews)]:
        frame.to_csv(RAW / f"{name}.csv", index=False)
        print(f"wrote {RAW / f'{name}.csv'}: {len(frame)} rows")


if __name__ == "__main__":
    main()
