"""What comes in: POST /beckn/<action> (views.py), its signature (auth.py), its validation (the
DRF serializers of serializers.py, and the network's layer 2 in layer2.py), and the message log
and outbox row it leaves (services.py)."""
