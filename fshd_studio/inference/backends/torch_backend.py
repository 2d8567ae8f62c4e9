"""The torch back-end: CUDA (mixed precision, batch sized to the GPU's memory) or CPU."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def cuda_available() -> bool:
    import torch

    return torch.cuda.is_available()


class TorchBackend:
    name = "torch"

    def __init__(self, model_dir: Path, precision: str = "fp32", device: str = "auto") -> None:
        from fshd_studio.model.checkpoint import load_model
        from fshd_studio.model.predict import pick_device

        self.device_obj = pick_device(device)
        self.model, self.card = load_model(Path(model_dir), self.device_obj)
        self.model.set_attention("sdpa")   # SDPA is faster; heatmaps load their own eager copy
        self.note = ""
        if self.device_obj.type == "cuda":
            self.precision = "fp16-autocast"
            self.device = f"cuda ({self._gpu_name()})"
            self.batch_size = self._gpu_batch()
        else:
            self.precision = "fp32"
            self.device = "cpu"
            self.batch_size = 4
            if precision != "fp32":
                self.note = f"torch on CPU runs fp32 ({precision} asked for: use --backend openvino for it)"

    def forward(self, clips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import torch

        from fshd_studio.inference.backends import check_clips
        from fshd_studio.model.predict import probabilities

        clips = check_clips(clips, self.model.cfg.snippets)
        return probabilities(self.model, torch.from_numpy(clips).to(self.device_obj))

    def _gpu_name(self) -> str:
        import torch

        return torch.cuda.get_device_name(self.device_obj)

    def _gpu_batch(self) -> int:
        """Clips per batch that fit in free GPU memory, from the model's size (conservative, 1..32)."""
        import torch

        free, _total = torch.cuda.mem_get_info(self.device_obj)
        cfg = self.model.cfg
        tokens = cfg.snippets * (cfg.num_frames // cfg.tubelet_size) * (cfg.image_size // cfg.patch_size) ** 2
        per_clip = tokens * cfg.hidden_size * cfg.num_hidden_layers * 2 * 12 + tokens * tokens * 2 * 4
        return int(max(1, min(32, free * 0.5 // max(per_clip, 1))))
