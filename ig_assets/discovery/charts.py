"""The follower-history chart that `account_metrics` shows in the Dagster UI (a PNG in Markdown)."""

from __future__ import annotations

import base64
import io

import pandas as pd

MAX_LINES = 8


def follower_history(snapshots: pd.DataFrame, usernames: pd.Series, limit: int = MAX_LINES) -> pd.DataFrame:
    """Follower counts over time (rows: capture time, columns: username) of the `limit` most followed
    profiles that have at least two snapshots; an empty frame when none has."""
    h = snapshots[snapshots["follower_count"].notna()]
    counts = h.groupby("profile_id")["follower_count"]
    multi = counts.size()[lambda n: n >= 2].index
    top = counts.last().loc[multi].sort_values(ascending=False).head(limit).index
    h = h[h["profile_id"].isin(top)].assign(
        captured_at=lambda d: pd.to_datetime(d["captured_at"], utc=True),
        username=lambda d: d["profile_id"].map(usernames).fillna(d["profile_id"].astype(str)),
    )
    return h.pivot_table(index="captured_at", columns="username", values="follower_count", aggfunc="last")


def history_markdown(history: pd.DataFrame, title: str) -> str:
    """The history as a line chart embedded as a PNG data URI, with its figures as a table below."""
    if history.empty:
        return f"**{title}**: no profile has two snapshots yet; `profile_details` adds one per refresh."
    # matplotlib loads when a chart is drawn, not in every process that loads the code location.
    import matplotlib

    matplotlib.use("Agg")  # no screen: render to memory only
    from matplotlib import dates as mdates
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    fig, ax = plt.subplots(figsize=(8, 3.6), dpi=90)
    for username in history.columns:
        series = history[username].dropna()
        ax.plot(series.index, series.values, marker="o", markersize=3, label=f"@{username}")
    ax.set_title(title)
    ax.set_ylabel("followers")
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    image = base64.b64encode(buffer.getvalue()).decode()
    latest = history.ffill().iloc[-1]
    first = history.bfill().iloc[0]
    rows = "\n".join(
        f"| @{u} | {int(first[u]):,} | {int(latest[u]):,} | {int(history[u].count())} |"
        for u in history.columns
    )
    return (
        f"![{title}](data:image/png;base64,{image})\n\n"
        f"| profile | first | latest | snapshots |\n|---|---:|---:|---:|\n{rows}\n"
    )
