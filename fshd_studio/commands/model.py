"""`fshd-studio model`: inspect model folders and import pre-trained encoders (offline, no pickle)."""

from __future__ import annotations

import argparse
from pathlib import Path

from fshd_studio.commands.common import print_json


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("model", help="model folders: info, import-encoder, quantize")
    msub = p.add_subparsers(dest="model_command", metavar="ACTION", required=True)
    info = msub.add_parser("info", help="print a model folder's card, config and size as JSON")
    info.add_argument("dir", help="model folder (config.json, model.safetensors, model_card.json)")
    info.set_defaults(func=run_info)
    imp = msub.add_parser(
        "import-encoder", help="convert a local pre-trained VideoMAE encoder into a folder for `train --encoder`",
        description="SRC: a transformers VideoMAE folder (config.json + model.safetensors), or a .safetensors "
        "state dict in the original VideoMAE / MARLIN layout (patch_embed, blocks.N.attn.qkv, q_bias, v_bias). "
        "Pickle files (.pth, .pt) are not loaded: convert them to safetensors first (see "
        "fshd_studio/model/convert.py). DST receives config.json + model.safetensors (a transformers "
        "VideoMAEModel).")
    imp.add_argument("src")
    imp.add_argument("dst")
    imp.add_argument("--image-size", type=int, default=224, help="for state dicts: input side (default 224)")
    imp.add_argument("--frames", type=int, default=16, help="for state dicts: frames per clip (default 16)")
    imp.add_argument("--heads", type=int, default=None, help="for state dicts: attention heads (default hidden/64)")
    imp.set_defaults(func=run_import)
    q = msub.add_parser(
        "quantize", help="int8 copy of a model for the OpenVINO back-end (NNCF), enabled only if it matches fp32",
        description="Quantises the model with NNCF on clips of preprocessed sessions (the --calibration folders: "
        "`fshd-studio preprocess --out` folders or a project's NAME.cache), checks it against torch fp32 on the "
        "--check clips (default: the calibration clips): per clip P(FSHD) within 0.01, same class, same vote. "
        "Writes openvino-int8.xml/.bin into DIR and the result into its model card; `--precision int8` uses it "
        "only when the check held.")
    q.add_argument("dir", help="model folder")
    q.add_argument("--calibration", nargs="+", required=True, metavar="PRE_DIR")
    q.add_argument("--check", nargs="+", metavar="PRE_DIR")
    q.set_defaults(func=run_quantize)
    p.set_defaults(func=run_info)


def run_info(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from fshd_studio.model.checkpoint import model_size_bytes, read_card, read_config

    folder = Path(args.dir)
    cfg = read_config(folder)
    card = read_card(folder)
    from fshd_studio.inference.backends.available import auto_choice, available_backends

    print_json({"folder": str(folder), "size_bytes": model_size_bytes(folder), "card": asdict(card),
                "config": cfg.to_dict(), "backends": [asdict(b) for b in available_backends(folder)],
                "auto_backend": auto_choice()})
    return 0


def run_quantize(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from fshd_studio.inference.backends.quantize import preprocessed_clips, quantize_model

    calibration = preprocessed_clips([Path(d) for d in args.calibration])
    check = preprocessed_clips([Path(d) for d in args.check]) if args.check else calibration
    record = quantize_model(Path(args.dir), calibration, check,
                            sources=[Path(d).name for d in args.calibration])
    print_json(asdict(record))
    return 0


def run_import(args: argparse.Namespace) -> int:
    from fshd_studio.model.convert import import_encoder

    print_json(import_encoder(Path(args.src), Path(args.dst), image_size=args.image_size,
                              num_frames=args.frames, num_heads=args.heads))
    return 0
