"""AAE assignment: an Adversarial Autoencoder on Fashion-MNIST, from scratch.

Implement the classes and functions below; ``README.md`` next to this file explains each
piece with every shape. Source: Makhzani et al., "Adversarial Autoencoders", arXiv:1511.05644,
Sec. 2 (the two training phases); Goodfellow et al., "Generative Adversarial Nets", NeurIPS
2014 (the non-saturating generator loss).

Rules:
    * Use ``torch`` and ``torch.nn`` building blocks (``nn.Linear``, ``nn.ReLU``,
      ``nn.Sigmoid``, ``F.mse_loss``, ``F.binary_cross_entropy_with_logits``, ...).
    * Keep every class, function, argument and attribute name given here: the grader calls
      ``model.encoder``, ``model.decoder``, ``model.discriminator``, ``model.latent_dim`` and
      ``model.prior_std``, and hands ``train_step`` its three optimizers.
    * ``train_step`` must train with the optimizers it is given (the grader builds them:
      ``opt_ae`` holds the encoder's and decoder's parameters, ``opt_disc`` the
      discriminator's, ``opt_gen`` the encoder's) and must not make its own.

Shapes: ``B`` batch, images ``(B, 1, 28, 28)`` with values in [0, 1], codes
``(B, latent_dim)``, discriminator logits ``(B, 1)``.

Run ``course grade aae`` to check your work and ``course aae samples`` to look at it.
"""

import torch
from torch import nn


class Encoder(nn.Module):
    """``(B, 1, 28, 28)`` -> codes ``(B, latent_dim)``.

    An MLP with two hidden layers: Flatten, ``Linear(in_features, hidden_dim)``, ReLU,
    ``Linear(hidden_dim, hidden_dim)``, ReLU, ``Linear(hidden_dim, latent_dim)``. No activation
    on the output: codes are real numbers the prior N(0, prior_std^2 I) can produce.

    Args:
        in_features: Pixels per image, 784 for 28 x 28.
        hidden_dim: Width of both hidden layers.
        latent_dim: Size of a code.

    See README.md, section "The three networks".
    """

    def __init__(self, in_features: int = 784, hidden_dim: int = 512, latent_dim: int = 8) -> None:
        super().__init__()
        raise NotImplementedError("Encoder.__init__: see README.md, section 'The three networks'")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(B, 1, 28, 28)`` -> ``(B, latent_dim)``."""
        raise NotImplementedError("Encoder.forward: see README.md, section 'The three networks'")


class Decoder(nn.Module):
    """Codes ``(B, latent_dim)`` -> images ``(B, 1, 28, 28)`` with values in [0, 1].

    The mirror MLP: ``Linear(latent_dim, hidden_dim)``, ReLU, ``Linear(hidden_dim,
    hidden_dim)``, ReLU, ``Linear(hidden_dim, out_features)``, then a sigmoid so every pixel is
    in [0, 1] like the images, reshaped to ``(B, 1, 28, 28)``.

    Args:
        latent_dim: Size of a code.
        hidden_dim: Width of both hidden layers.
        out_features: Pixels per image, 784 for 28 x 28.

    See README.md, section "The three networks".
    """

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512, out_features: int = 784) -> None:
        super().__init__()
        raise NotImplementedError("Decoder.__init__: see README.md, section 'The three networks'")

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, latent_dim)`` -> ``(B, 1, 28, 28)`` in [0, 1]."""
        raise NotImplementedError("Decoder.forward: see README.md, section 'The three networks'")


class Discriminator(nn.Module):
    """Codes ``(B, latent_dim)`` -> logits ``(B, 1)``: is this code a draw from the prior?

    ``Linear(latent_dim, hidden_dim)``, ReLU, ``Linear(hidden_dim, hidden_dim)``, ReLU,
    ``Linear(hidden_dim, 1)``. It returns logits (no sigmoid): the losses below take logits.

    Args:
        latent_dim: Size of a code.
        hidden_dim: Width of both hidden layers.

    See README.md, section "The three networks".
    """

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512) -> None:
        super().__init__()
        raise NotImplementedError(
            "Discriminator.__init__: see README.md, section 'The three networks'"
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``(B, latent_dim)`` -> ``(B, 1)`` logits."""
        raise NotImplementedError(
            "Discriminator.forward: see README.md, section 'The three networks'"
        )


def reconstruction_loss(x_hat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Mean squared error over all elements of ``x_hat`` and ``x`` (both ``(B, 1, 28, 28)``).

    Returns:
        A scalar tensor.

    See README.md, section "The losses".
    """
    raise NotImplementedError("reconstruction_loss: see README.md, section 'The losses'")


def discriminator_loss(d_real: torch.Tensor, d_fake: torch.Tensor) -> torch.Tensor:
    """The discriminator's loss on logits ``d_real`` (prior draws) and ``d_fake`` (codes).

    Binary cross-entropy with logits of ``d_real`` against target 1, averaged, plus that of
    ``d_fake`` against target 0, averaged. Both are ``(B, 1)``. Work from the logits (the
    stable form), not from ``sigmoid`` then ``log``: a confident discriminator gives logits
    of 30 and more, where ``log(1 - sigmoid(30))`` is ``log(0)`` in float32.

    Returns:
        A scalar tensor.

    See README.md, section "The losses".
    """
    raise NotImplementedError("discriminator_loss: see README.md, section 'The losses'")


def generator_loss(d_fake: torch.Tensor) -> torch.Tensor:
    """The encoder's adversarial loss on logits ``d_fake (B, 1)`` of its codes.

    The non-saturating loss: binary cross-entropy with logits of ``d_fake`` against target 1
    (the encoder wants its codes taken for prior draws), averaged.

    Returns:
        A scalar tensor.

    See README.md, section "The losses".
    """
    raise NotImplementedError("generator_loss: see README.md, section 'The losses'")


class AAE(nn.Module):
    """An autoencoder whose codes are pushed towards the prior N(0, prior_std^2 I).

    Args:
        latent_dim: Size of a code.
        hidden_dim: Width of the hidden layers of all three networks.
        prior_std: Standard deviation of the prior, the same for every dimension.

    Attributes you must create:
        encoder: ``Encoder(784, hidden_dim, latent_dim)``.
        decoder: ``Decoder(latent_dim, hidden_dim, 784)``.
        discriminator: ``Discriminator(latent_dim, hidden_dim)``.
        latent_dim: The argument.
        prior_std: The argument.
    """

    def __init__(self, latent_dim: int = 8, hidden_dim: int = 512, prior_std: float = 1.0) -> None:
        super().__init__()
        raise NotImplementedError("AAE.__init__: see README.md, section 'The three networks'")

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Images ``(B, 1, 28, 28)`` -> codes ``(B, latent_dim)``."""
        raise NotImplementedError("AAE.encode: use self.encoder")

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Codes ``(B, latent_dim)`` -> images ``(B, 1, 28, 28)`` in [0, 1]."""
        raise NotImplementedError("AAE.decode: use self.decoder")

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Decode ``n`` draws from the prior: ``(n, 1, 28, 28)`` in [0, 1].

        Draw ``z`` of shape ``(n, latent_dim)`` from N(0, prior_std^2 I) with ``generator``
        (``torch.randn(..., generator=generator)``, on the generator's device when one is
        given, since a CPU generator cannot draw on the GPU), move it to the model's device and
        dtype, and decode it. The same seeded generator must give the same images, and a given
        generator must leave torch's global random state alone.

        See README.md, section "Sampling".
        """
        raise NotImplementedError("AAE.sample: see README.md, section 'Sampling'")

    def train_step(
        self,
        x: torch.Tensor,
        opt_ae: torch.optim.Optimizer,
        opt_disc: torch.optim.Optimizer,
        opt_gen: torch.optim.Optimizer,
    ) -> dict[str, float]:
        """Train on one minibatch ``x (B, 1, 28, 28)`` in the paper's two phases.

        1. Reconstruction: ``reconstruction_loss(decoder(encoder(x)), x)``; zero ``opt_ae``'s
           gradients, backward, ``opt_ae.step()``.
        2. Regularization, discriminator: codes of ``x`` from the encoder as step 1 left it,
           *detached*, are "fake"; draws ``z ~ N(0, prior_std^2 I)`` of the same shape are
           "real";
           ``discriminator_loss``; zero ``opt_disc``'s gradients, backward,
           ``opt_disc.step()``.
        3. Regularization, generator: ``generator_loss(discriminator(encoder(x)))`` with the
           discriminator as updated by step 2; zero ``opt_gen``'s gradients, backward,
           ``opt_gen.step()``.

        Returns:
            ``{"recon": ..., "disc": ..., "gen": ...}``: the three losses as Python floats.

        See README.md, section "Training in two phases".
        """
        raise NotImplementedError("AAE.train_step: see README.md, 'Training in two phases'")
