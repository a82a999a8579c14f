"""Layers a later notebook builds on, saved here from the notebook that teaches them.

Each class is a copy of a notebook cell, word for word (tests/test_layers.py keeps them equal), so
the lesson shows every line and the next notebook can import the layer instead of repeating it.
"""

from __future__ import annotations

import tensorflow as tf


# Taught in notebook 03 (the encoder block); the encoder–decoder of notebook 04 stacks it.
class EncoderBlock(tf.keras.layers.Layer):
    def __init__(self, d_model, num_heads, d_ff, dropout=0.1, **kwargs):
        super().__init__(**kwargs)
        self.attention = tf.keras.layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=d_model // num_heads, dropout=dropout, name="attention")
        self.attention_norm = tf.keras.layers.LayerNormalization(epsilon=1e-12, name="attention_norm")
        self.ffn_expand = tf.keras.layers.Dense(d_ff, activation="gelu", name="ffn_expand")
        self.ffn_contract = tf.keras.layers.Dense(d_model, name="ffn_contract")
        self.output_norm = tf.keras.layers.LayerNormalization(epsilon=1e-12, name="output_norm")
        self.dropout = tf.keras.layers.Dropout(dropout)

    def call(self, x, attention_mask=None, training=False):
        attended = self.attention(x, x, attention_mask=attention_mask, training=training)
        x = self.attention_norm(x + self.dropout(attended, training=training))  # sub-layer 1
        transformed = self.ffn_contract(self.ffn_expand(x))
        return self.output_norm(x + self.dropout(transformed, training=training))  # sub-layer 2
