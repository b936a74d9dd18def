#!/bin/bash
docker restart web
docker rename web website
docker ps
