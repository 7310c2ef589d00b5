"""Reference architectures and weight storage for the course's pretrained models.

- :mod:`.resnet` — ResNet-50 of notebook 12 (residual networks);
- :mod:`.yolo` — the compact YOLOv2 detector, the full YOLOv2-608 and Darknet weights of notebook 13 (YOLO);
- :mod:`.facenet` — the FaceNet-style embedding network of notebook 14 (face recognition);
- :mod:`.vgg` — VGG-19 and the compact VGG feature networks of notebook 15 (neural style transfer);
- :mod:`.storage` — the compact ``.npz`` weight format (int8 kernels) and a loader that also
  reads full Keras model files (``.h5``, ``.keras``) of the same architecture.

Every shipped weight file is produced by ``python -m course_utils.pretrain NAME``.
"""

from .storage import WeightsMismatch, load_weights, save_compact  # noqa: F401
