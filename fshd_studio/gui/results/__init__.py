"""The neurologist's side of the review window: the results panel, scoring, heatmap overlay and report."""
