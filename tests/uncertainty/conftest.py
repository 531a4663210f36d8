"""Published example data (issue 7, "Validation") shared by the uncertainty tests."""

import copy

import pytest

GUM_443_READINGS = [
    96.90, 98.18, 98.25, 98.61, 99.03, 99.49, 99.56, 99.74, 99.89, 100.07,
    100.33, 100.42, 100.68, 100.95, 101.11, 101.20, 101.57, 101.84, 102.36, 102.72,
]  # fmt: skip

# GUM H.2: five simultaneous sets of (V / V, I / mA, phi / rad)
GUM_H2_SETS = [
    (5.007, 19.663, 1.0456),
    (4.994, 19.639, 1.0438),
    (5.005, 19.640, 1.0468),
    (4.990, 19.685, 1.0428),
    (4.999, 19.678, 1.0433),
]


@pytest.fixture
def h2_budget() -> dict:
    v, i, phi = (list(column) for column in zip(*GUM_H2_SETS, strict=True))
    return {
        "title": "GUM H.2",
        "measurands": [
            {"symbol": "R", "model": "V*cos(phi)/I", "unit": "kΩ"},
            {"symbol": "X", "model": "V*sin(phi)/I", "unit": "kΩ"},
            {"symbol": "Z", "model": "V/I", "unit": "kΩ"},
        ],
        "inputs": [
            {"symbol": "V", "unit": "V", "observations": v},
            {"symbol": "I", "unit": "mA", "observations": i},
            {"symbol": "phi", "unit": "rad", "observations": phi},
        ],
        "correlations": [{"inputs": ["V", "I", "phi"], "from": "observations"}],
        "mcm": {"trials": 200_000, "seed": 2},
    }


@pytest.fixture
def issue_budget() -> dict:
    """The example budget of issue 7, with a model that uses every input."""
    return {
        "title": "example",
        "measurands": [
            {"symbol": "R", "model": "V*cos(phi)/I + x + t/100 + s/1000 + p*c", "unit": "Ω"}
        ],  # fmt: skip
        "inputs": [
            {"symbol": "V", "unit": "V", "observations": [5.007, 4.994, 5.005, 4.990, 4.999]},
            {"symbol": "I", "unit": "A", "value": 0.0197, "uncertainty": {"standard": 1e-5}},
            {"symbol": "phi", "value": 1.04, "uncertainty": {"standard": 7e-4, "dof": 4}},
            {
                "symbol": "x",
                "value": 1.0,
                "unit": "mm",
                "uncertainty": {"standard": 0.002, "dof": 9},
            },
            {
                "symbol": "t",
                "value": 20.0,
                "unit": "°C",
                "uncertainty": {"distribution": "rectangular", "half_width": 0.5},
            },
            {
                "symbol": "s",
                "value": 100.0,
                "unit": "g",
                "uncertainty": {"distribution": "normal", "expanded": 0.05, "k": 2},
            },
            {
                "symbol": "p",
                "value": 1.2,
                "unit": "kg/m3",
                "uncertainty": {"distribution": "normal", "expanded": 0.05, "probability": 0.95},
            },
            {"symbol": "c", "value": 1.2},
        ],  # fmt: skip
        "correlations": [{"inputs": ["V", "I"], "r": -0.36}],
        "coverage": {"k": 2},
        "mcm": {"trials": 100_000, "seed": 1},
        "report": {"significant_digits": 2, "rounding": "half-even"},
    }


# --- the Django side (page, API, task, command) ---------------------------------------------------


@pytest.fixture
def gum_443() -> dict:
    """GUM 4.4.3 from its twenty readings, with a small Monte Carlo run answered at once."""
    return {
        "title": "GUM 4.4.3",
        "measurands": [{"symbol": "t", "model": "T", "unit": "°C"}],
        "inputs": [{"symbol": "T", "unit": "°C", "observations": list(GUM_443_READINGS)}],
        "mcm": {"trials": 20_000, "seed": 7},
    }


@pytest.fixture
def bad_budget(gum_443) -> dict:
    """inputs[1].uncertainty.half_width is negative."""
    budget = copy.deepcopy(gum_443)
    budget["measurands"][0]["model"] = "T + d"
    budget["inputs"].append(
        {"symbol": "d", "value": 0.0, "uncertainty": {"distribution": "arcsine", "half_width": -1}}
    )
    return budget


@pytest.fixture
def uncertainty_web(settings, tmp_path):
    """Queued evaluations run at once (ImmediateBackend) and keep their results in tmp_path."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.METROHUB_UNCERTAINTY_RESULTS_DIR = tmp_path / "uncertainty-results"
    return settings.METROHUB_UNCERTAINTY_RESULTS_DIR
