#!/bin/bash
sudo useradd --create-home --shell /bin/bash student
sudo usermod -aG docker student
id student
