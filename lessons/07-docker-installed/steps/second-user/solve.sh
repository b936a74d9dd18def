#!/bin/bash
sudo useradd --create-home --shell /bin/bash reviewer
sudo usermod -aG docker reviewer
sudo -iu reviewer docker run --name reviewer-hello hello-world
