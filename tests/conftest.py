from utils.environment import quiet_start

# Same start as a notebook: Keras 2 for transformers, offline, no start-up noise.
quiet_start()
