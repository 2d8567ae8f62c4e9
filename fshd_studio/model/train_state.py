"""Resumable training state without pickle: tensors in safetensors, the rest in JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from fshd_studio.core.errors import UserError
from fshd_studio.io.atomic import atomic_path, atomic_write_json

STATE_DIR = "train_state"


def save_state(folder: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer,
               info: dict[str, Any]) -> None:
    """Last epoch's weights + optimizer moments + epoch/history/rng, for `--resume`."""
    from safetensors.torch import save_file

    d = Path(folder) / STATE_DIR
    d.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    opt = optimizer.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict[str, Any]] = {}
    for idx, st in opt["state"].items():
        for name, val in st.items():
            if torch.is_tensor(val):
                tensors[f"{idx}.{name}"] = val.detach().cpu().contiguous()
            else:
                scalars.setdefault(str(idx), {})[name] = val
    with atomic_path(d / "weights.safetensors") as tmp:
        save_file(weights, str(tmp))
    with atomic_path(d / "optimizer.safetensors") as tmp:
        save_file(tensors or {"_empty": torch.zeros(1)}, str(tmp))
    atomic_write_json(d / "state.json", {"info": info, "param_groups": opt["param_groups"],
                                         "scalars": scalars, "torch_rng": torch.get_rng_state().tolist()})


def load_state(folder: Path, model: torch.nn.Module, optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    from safetensors.torch import load_file

    d = Path(folder) / STATE_DIR
    if not (d / "state.json").is_file():
        raise UserError(f"nothing to resume in {folder}: {STATE_DIR}/state.json is missing")
    meta = json.loads((d / "state.json").read_text(encoding="utf-8"))
    model.load_state_dict(load_file(str(d / "weights.safetensors")))
    flat = load_file(str(d / "optimizer.safetensors"))
    state: dict[int, dict[str, Any]] = {}
    for key, val in flat.items():
        if key == "_empty":
            continue
        idx, name = key.split(".", 1)
        state.setdefault(int(idx), {})[name] = val
    for idx, extra in meta["scalars"].items():
        state.setdefault(int(idx), {}).update(extra)
    optimizer.load_state_dict({"state": state, "param_groups": meta["param_groups"]})
    torch.set_rng_state(torch.tensor(meta["torch_rng"], dtype=torch.uint8))
    return meta["info"]
