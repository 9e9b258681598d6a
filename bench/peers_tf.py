"""Trains one of the bench models in TensorFlow with Keras 3 layers, in a tf.function
training step (with --xla: tf.function(jit_compile=True)), on Fashion-MNIST and writes the
result JSON. Images are NHWC (TensorFlow's CPU convolutions take no NCHW); the layers are
initialized as PyTorch (and nnc) initialize them, and Adam's epsilon is PyTorch's 1e-8."""

import math
import os
import sys

from common import TrainLoop, load_split, main_guard, parse_args, to_float, write_result

args = parse_args("TensorFlow/Keras peer", ("--xla", "compile the step with XLA"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

tf.config.threading.set_intra_op_parallelism_threads(args.threads)
tf.config.threading.set_inter_op_parallelism_threads(args.threads)


def torch_like(fan_in):
    """PyTorch's Linear/Conv2d init: kaiming_uniform(a=sqrt(5)) = U(+-1/sqrt(fan_in)) for
    the weight, U(+-1/sqrt(fan_in)) for the bias."""
    bound = 1.0 / math.sqrt(fan_in)
    return dict(kernel_initializer=keras.initializers.VarianceScaling(1 / 3, "fan_in", "uniform"),
                bias_initializer=keras.initializers.RandomUniform(-bound, bound))


def dense(fan_in, units):
    return layers.Dense(units, **torch_like(fan_in))


def conv(cin, cout, k, padding):
    return layers.Conv2D(cout, k, padding=padding, **torch_like(cin * k * k))


def conv_block(cin, cout):
    """examples/cnn.nn's ConvBlock."""
    # PyTorch's batch norm: momentum 0.1 (Keras counts it the other way), eps 1e-5.
    return [conv(cin, cout, 3, "same"), layers.BatchNormalization(momentum=0.9, epsilon=1e-5),
            layers.ReLU(), conv(cout, cout, 3, "same"),
            layers.BatchNormalization(momentum=0.9, epsilon=1e-5), layers.ReLU(),
            layers.MaxPooling2D(2), layers.Dropout(0.25)]


def build(name):
    if name == "mlp":
        body = [layers.Flatten(), dense(784, 256), layers.ReLU(), dense(256, 128), layers.ReLU(),
                dense(128, 10)]
    elif name == "lenet":
        body = [conv(1, 6, 5, "same"), layers.ReLU(), layers.MaxPooling2D(2),
                conv(6, 16, 5, "valid"), layers.ReLU(), layers.MaxPooling2D(2), layers.Flatten(),
                dense(400, 120), layers.ReLU(), dense(120, 84), layers.ReLU(), dense(84, 10)]
    elif name == "lstm":
        u = keras.initializers.RandomUniform(-1 / math.sqrt(128), 1 / math.sqrt(128))
        body = [layers.Reshape((28, 28)),
                layers.LSTM(128, kernel_initializer=u, recurrent_initializer=u,
                            bias_initializer=u, unit_forget_bias=False),
                dense(128, 10)]
    elif name == "cnn":
        body = [*conv_block(1, 32), *conv_block(32, 64), layers.Flatten(), dense(64 * 7 * 7, 128),
                layers.ReLU(), layers.Dropout(0.5), dense(128, 10)]
    else:
        raise ValueError(name)
    return keras.Sequential([keras.Input((28, 28, 1)), *body])


def main():
    x_train, y_train = load_split(args.data, True)
    x_test, y_test = load_split(args.data, False)
    # NCHW with C = 1 -> NHWC is a reshape.
    x_train, x_test = x_train.reshape(-1, 28, 28, 1), x_test.reshape(-1, 28, 28, 1)
    y_train, y_test = y_train.astype(np.int32), y_test.astype(np.int32)
    keras.utils.set_random_seed(args.seed)
    model = build(args.model)
    opt = keras.optimizers.Adam(learning_rate=args.lr, epsilon=1e-8)
    opt.build(model.trainable_variables)
    ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function(jit_compile=args.xla)
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = ce(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    loop = TrainLoop(args, x_train, y_train)
    loop.run(step, lambda x, y: (tf.constant(to_float(x)), tf.constant(y)))
    # Evaluated eagerly in batches of 1000, outside the timed loop.
    loss = correct = 0.0
    for i in range(0, len(x_test), 1000):
        logits = model(to_float(x_test[i:i + 1000]), training=False)
        y = y_test[i:i + 1000]
        loss += float(tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(
            y, logits, from_logits=True)))
        correct += float(tf.reduce_sum(tf.cast(tf.argmax(logits, 1, output_type=tf.int32) == y,
                                               tf.float32)))
    write_result(args.result, loop.result(loss / len(x_test), correct / len(x_test),
                                          version=tf.__version__, keras=keras.__version__))


main_guard(args, main)
sys.stdout.flush()
