"""Session-scoped short demo sessions shared by every test that needs a realistic two-camera session."""

import pytest

SHORT = dict(exercise_s=2.5, rest_s=1.0, size_scale=0.5)


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory):
    from fshd_studio.demo import make_demo

    return make_demo(tmp_path_factory.mktemp("demo"), seed=3, **SHORT)


@pytest.fixture(scope="session")
def demo_project_weak(tmp_path_factory):
    from fshd_studio.demo import make_demo

    return make_demo(tmp_path_factory.mktemp("demo-weak"), seed=3, weakness=0.8, weak_side="left", **SHORT)


@pytest.fixture(scope="session")
def demo_project_weak_long(tmp_path_factory):
    """The demo's real rhythm (11 s exercises, 2 s rest) at half size: faint exercises are long quiet stretches."""
    from fshd_studio.demo import make_demo

    return make_demo(tmp_path_factory.mktemp("demo-weak-long"), seed=3, weakness=0.8, weak_side="left",
                     size_scale=0.5)


def preprocessed(demo):
    """The demo's preprocessing (PreprocessResult) in its own cache beside the project, as the app keeps it: made
    once per test run (every exercise, both cameras), read back from the cache afterwards."""
    from fshd_studio.io.project import load_project
    from fshd_studio.io.results_file import cache_dir
    from fshd_studio.preprocess import preprocess_session

    return preprocess_session(load_project(demo.project).session, cache_dir(demo.project))


def copy_demo(demo, dest, visit_date=None):
    """A copy of a demo session's folder as another visit, without results but with the preprocessing cache
    (keyed by video content, so the copy reuses it: each demo is preprocessed once per test run)."""
    import shutil

    from fshd_studio.io.project import load_project, save_project

    preprocessed(demo)
    shutil.copytree(demo.project.parent, dest, ignore=shutil.ignore_patterns("*.results.json"))
    project = dest / demo.project.name
    if visit_date is not None:
        session = load_project(project).session
        session.visit_date = visit_date
        save_project(session, project)
    return project
